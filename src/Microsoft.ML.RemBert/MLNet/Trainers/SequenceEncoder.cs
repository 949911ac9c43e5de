using Microsoft.ML.Data;
using Microsoft.ML.RemBert.MLNet.Scoring;
using Microsoft.ML.RemBert.Tokenization;

namespace Microsoft.ML.RemBert.MLNet.Trainers;

/// <summary>One row's unpadded encoding: <c>[CLS] A [SEP]</c> or <c>[CLS] A [SEP] B [SEP]</c>, truncated to the maximum length.</summary>
internal sealed record EncodedSequence(int[] InputIds, int[] TokenTypeIds);

/// <summary>
/// Reads one or two text columns of a row and encodes them with the tokenizer, truncating (longest first) to
/// <see cref="MaxSequenceLength"/>, or with a <see cref="Windowing"/> into overlapping windows of that length; the same
/// code encodes training rows and rows to score, so both see the same ids.
/// </summary>
internal sealed class SequenceEncoder
{
    private readonly RemBertEncodeOptions _encodeOptions;

    public SequenceEncoder(RemBertTokenizer tokenizer, string sentence1ColumnName, string? sentence2ColumnName, int maxSequenceLength,
        SequenceWindowing? windowing = null)
    {
        Windowing = windowing;
        Tokenizer = tokenizer;
        Sentence1ColumnName = sentence1ColumnName;
        Sentence2ColumnName = sentence2ColumnName;
        MaxSequenceLength = maxSequenceLength;
        _encodeOptions = new RemBertEncodeOptions { MaxLength = maxSequenceLength, Truncation = TruncationStrategy.LongestFirst };
        InputColumns = sentence2ColumnName is null
            ? [ScoringInputColumn.Text(sentence1ColumnName)]
            : [ScoringInputColumn.Text(sentence1ColumnName), ScoringInputColumn.Text(sentence2ColumnName)];
    }

    public RemBertTokenizer Tokenizer { get; }

    public string Sentence1ColumnName { get; }

    public string? Sentence2ColumnName { get; }

    public int MaxSequenceLength { get; }

    /// <summary>How a long text becomes windows; null truncates it (LongTextStrategy.Truncate).</summary>
    public SequenceWindowing? Windowing { get; }

    /// <summary>The text columns read.</summary>
    public IReadOnlyList<ScoringInputColumn> InputColumns { get; }

    /// <summary>Throws, naming the column, the option and the data, when a text column is missing or not text.</summary>
    public void CheckSchema(DataViewSchema schema, string dataName)
    {
        CheckTextColumn(schema, Sentence1ColumnName, "Sentence1ColumnName", dataName);
        if (Sentence2ColumnName is not null)
            CheckTextColumn(schema, Sentence2ColumnName, "Sentence2ColumnName", dataName);
    }

    /// <summary>A function encoding the current row of <paramref name="row"/>, truncated; its errors name the row and <paramref name="dataName"/>.</summary>
    public Func<EncodedSequence> CreateReader(DataViewRow row, string dataName)
    {
        var read = CreateTextReader(row);
        return () =>
        {
            var (text, pair) = read();
            return Encode(row, dataName, () =>
            {
                var encoding = Tokenizer.Encode(text, pair, _encodeOptions);
                return new EncodedSequence(encoding.InputIds, encoding.TokenTypeIds);
            });
        };
    }

    /// <summary>
    /// A function encoding the current row of <paramref name="row"/> as its model inputs: the one truncated encoding,
    /// or with a <see cref="Windowing"/> its windows. Errors name the row and <paramref name="dataName"/>.
    /// </summary>
    public Func<EncodedSequence[]> CreateWindowsReader(DataViewRow row, string dataName)
    {
        if (Windowing is not { } windowing)
        {
            var truncated = CreateReader(row, dataName);
            return () => [truncated()];
        }
        var read = CreateTextReader(row);
        return () =>
        {
            var (text, pair) = read();
            return Encode(row, dataName, () => windowing.Encode(Tokenizer, text, pair, MaxSequenceLength));
        };
    }

    // Reads the current row's text and optional pair.
    private Func<(string Text, string? Pair)> CreateTextReader(DataViewRow row)
    {
        var first = row.GetGetter<ReadOnlyMemory<char>>(row.Schema[Sentence1ColumnName]);
        var second = Sentence2ColumnName is null ? null : row.GetGetter<ReadOnlyMemory<char>>(row.Schema[Sentence2ColumnName]);
        ReadOnlyMemory<char> text = default, pair = default;
        return () =>
        {
            first(ref text);
            second?.Invoke(ref pair);
            return (text.ToString(), second is null ? null : pair.ToString());
        };
    }

    // Runs `encode`, turning the tokenizer's ArgumentException into an error naming the row and the data.
    private static T Encode<T>(DataViewRow row, string dataName, Func<T> encode)
    {
        try
        {
            return encode();
        }
        catch (ArgumentException ex)
        {
            throw new InvalidOperationException($"Row {row.Position} of {dataName} cannot be encoded: {ex.Message}", ex);
        }
    }

    internal static void CheckTextColumn(DataViewSchema schema, string name, string option, string dataName)
    {
        var column = schema.GetColumnOrNull(name)
            ?? throw new ArgumentOutOfRangeException(option, name, $"The {dataName} has no column '{name}' ({option}).");
        if (column.Type is not TextDataViewType)
            throw new ArgumentOutOfRangeException(option, name, $"Column '{name}' ({option}) of the {dataName} is {column.Type}; it must be text (String).");
    }
}
