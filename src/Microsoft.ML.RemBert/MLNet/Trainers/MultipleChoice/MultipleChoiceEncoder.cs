using Microsoft.ML.Data;
using Microsoft.ML.RemBert.MLNet.Scoring;
using Microsoft.ML.RemBert.Tokenization;
using Microsoft.ML.RemBert.Trainers;

namespace Microsoft.ML.RemBert.MLNet.Trainers.MultipleChoice;

/// <summary>
/// Reads a row's prompt and choices and encodes every choice as transformers' multiple-choice examples do:
/// <c>[CLS] prompt [SEP] choice [SEP]</c>, truncated longest first to <see cref="MaxSequenceLength"/>. The same code
/// encodes training rows and rows to score, so both see the same ids.
/// </summary>
internal sealed class MultipleChoiceEncoder
{
    private readonly RemBertEncodeOptions _encodeOptions;

    public MultipleChoiceEncoder(RemBertTokenizer tokenizer, string promptColumnName, string choicesColumnName, int maxSequenceLength)
    {
        Tokenizer = tokenizer;
        PromptColumnName = promptColumnName;
        ChoicesColumnName = choicesColumnName;
        MaxSequenceLength = maxSequenceLength;
        _encodeOptions = new RemBertEncodeOptions { MaxLength = maxSequenceLength, Truncation = TruncationStrategy.LongestFirst };
        InputColumns = [ScoringInputColumn.Text(promptColumnName), new ScoringInputColumn(choicesColumnName, TextDataViewType.Instance, IsVector: true)];
    }

    public RemBertTokenizer Tokenizer { get; }

    public string PromptColumnName { get; }

    public string ChoicesColumnName { get; }

    public int MaxSequenceLength { get; }

    /// <summary>The prompt (text) and choices (vector of text) columns.</summary>
    public IReadOnlyList<ScoringInputColumn> InputColumns { get; }

    /// <summary>
    /// Throws, naming the column, the option and the data, when the prompt is not a text column or the choices not a
    /// vector of text; returns the choice count of a known-size choices vector, or null for a variable one.
    /// </summary>
    public int? CheckSchema(DataViewSchema schema, string dataName)
    {
        SequenceEncoder.CheckTextColumn(schema, PromptColumnName, nameof(RemBertMultipleChoiceOptions.PromptColumnName), dataName);
        const string option = nameof(RemBertMultipleChoiceOptions.ChoicesColumnName);
        var column = schema.GetColumnOrNull(ChoicesColumnName)
            ?? throw new ArgumentOutOfRangeException(option, ChoicesColumnName, $"The {dataName} has no column '{ChoicesColumnName}' ({option}).");
        if (column.Type is not VectorDataViewType { ItemType: TextDataViewType } vector)
            throw new ArgumentOutOfRangeException(option, ChoicesColumnName,
                $"Column '{ChoicesColumnName}' ({option}) of the {dataName} is {column.Type}; it must be a vector of text (one string per choice).");
        if (vector.IsKnownSize && vector.Size < 2)
            throw new ArgumentOutOfRangeException(option, ChoicesColumnName,
                $"Column '{ChoicesColumnName}' ({option}) of the {dataName} is {column.Type}: a row needs at least 2 choices.");
        return vector.IsKnownSize ? vector.Size : null;
    }

    /// <summary>
    /// A function encoding the current row of <paramref name="row"/> into one encoding per choice. The first row read
    /// fixes the choice count unless <paramref name="expected"/> gives it (with <paramref name="expectedSource"/>, what
    /// it comes from, for the message); a row with another count, or fewer than 2 choices, is an error naming the
    /// row, the column and both counts.
    /// </summary>
    public Func<EncodedSequence[]> CreateReader(DataViewRow row, string dataName, int? expected = null, string? expectedSource = null)
    {
        var promptGetter = row.GetGetter<ReadOnlyMemory<char>>(row.Schema[PromptColumnName]);
        var choicesGetter = row.GetGetter<VBuffer<ReadOnlyMemory<char>>>(row.Schema[ChoicesColumnName]);
        ReadOnlyMemory<char> prompt = default;
        VBuffer<ReadOnlyMemory<char>> choices = default;
        return () =>
        {
            promptGetter(ref prompt);
            choicesGetter(ref choices);
            int count = choices.Length;
            if (count < 2)
                throw new InvalidOperationException(
                    $"Row {row.Position} of the {dataName} has {count} choice{(count == 1 ? "" : "s")} in column '{ChoicesColumnName}'; a row needs at least 2.");
            if (expected is null)
            {
                expected = count;
                expectedSource = $"row {row.Position}";
            }
            else if (count != expected)
            {
                throw new InvalidOperationException(
                    $"Row {row.Position} of the {dataName} has {count} choices in column '{ChoicesColumnName}' but {expectedSource} has {expected}: " +
                    "every row needs the same number of choices.");
            }
            string promptText = prompt.ToString();
            var encoded = new EncodedSequence[count];
            int i = 0;
            foreach (var choice in choices.DenseValues())
            {
                try
                {
                    var encoding = Tokenizer.Encode(promptText, choice.ToString(), _encodeOptions);
                    encoded[i++] = new EncodedSequence(encoding.InputIds, encoding.TokenTypeIds);
                }
                catch (ArgumentException ex)
                {
                    throw new InvalidOperationException($"Row {row.Position} of the {dataName}, choice {i} of column '{ChoicesColumnName}', cannot be encoded: {ex.Message}", ex);
                }
            }
            return encoded;
        };
    }
}
