using Microsoft.ML.RemBert.MLNet.Scoring;
using Microsoft.ML.RemBert.Tokenization;

namespace Microsoft.ML.RemBert.MLNet.Trainers.QuestionAnswering;

/// <summary>
/// Encodes a (question, context) row as transformers' run_qa does: the question first (left whitespace stripped),
/// the context second, truncating only the context into overlapping windows of <see cref="MaxSequenceLength"/> tokens
/// that share <see cref="DocumentStride"/> tokens, each token keeping its character range in the original context.
/// The same code encodes training rows and rows to score.
/// </summary>
internal sealed class QuestionAnsweringEncoder
{
    private const int ContextSequence = 1;

    private readonly RemBertEncodeOptions _encodeOptions;

    public QuestionAnsweringEncoder(RemBertTokenizer tokenizer, string contextColumnName, string questionColumnName, int maxSequenceLength, int documentStride)
    {
        Tokenizer = tokenizer;
        ContextColumnName = contextColumnName;
        QuestionColumnName = questionColumnName;
        MaxSequenceLength = maxSequenceLength;
        DocumentStride = documentStride;
        _encodeOptions = new RemBertEncodeOptions
        {
            MaxLength = maxSequenceLength, Truncation = TruncationStrategy.OnlySecond, Stride = documentStride, ReturnOverflowing = true,
        };
        InputColumns = [ScoringInputColumn.Text(contextColumnName), ScoringInputColumn.Text(questionColumnName)];
    }

    public RemBertTokenizer Tokenizer { get; }

    public string ContextColumnName { get; }

    public string QuestionColumnName { get; }

    public int MaxSequenceLength { get; }

    public int DocumentStride { get; }

    /// <summary>The text columns read: context and question.</summary>
    public IReadOnlyList<ScoringInputColumn> InputColumns { get; }

    /// <summary>Throws, naming the column, the option and the data, when the context or question column is missing or not text.</summary>
    public void CheckSchema(DataViewSchema schema, string dataName)
    {
        SequenceEncoder.CheckTextColumn(schema, ContextColumnName, "ContextColumnName", dataName);
        SequenceEncoder.CheckTextColumn(schema, QuestionColumnName, "QuestionColumnName", dataName);
    }

    /// <summary>
    /// A function encoding the current row of <paramref name="row"/> into its windows; an empty context, or a question
    /// too long to leave room for the context, is an error naming the row, the column and <paramref name="dataName"/>.
    /// </summary>
    public Func<QuestionWindows> CreateReader(DataViewRow row, string dataName)
    {
        var contextGetter = row.GetGetter<ReadOnlyMemory<char>>(row.Schema[ContextColumnName]);
        var questionGetter = row.GetGetter<ReadOnlyMemory<char>>(row.Schema[QuestionColumnName]);
        ReadOnlyMemory<char> context = default, question = default;
        return () =>
        {
            contextGetter(ref context);
            questionGetter(ref question);
            if (context.Span.IsWhiteSpace())
                throw new InvalidOperationException(
                    $"Row {row.Position} of the {dataName} has an empty context in column '{ContextColumnName}' (ContextColumnName): there is no text to find an answer in.");
            try
            {
                return Encode(context.ToString(), question.ToString());
            }
            catch (ArgumentException ex)
            {
                throw new InvalidOperationException(
                    $"Row {row.Position} of the {dataName}: the question in column '{QuestionColumnName}' leaves no room for the context of column " +
                    $"'{ContextColumnName}' within MaxSequenceLength {MaxSequenceLength} and DocumentStride {DocumentStride} ({ex.Message})", ex);
            }
        };
    }

    /// <summary>Every window of (<paramref name="question"/>, <paramref name="context"/>), in context order.</summary>
    public QuestionWindows Encode(string context, string question)
    {
        // run_qa strips the question's left whitespace: it only wastes room the context windows need.
        var encoding = Tokenizer.Encode(question.TrimStart(), context, _encodeOptions);
        var windows = new List<ContextWindow>(1 + encoding.Overflowing.Count) { Window(encoding) };
        windows.AddRange(encoding.Overflowing.Select(Window));
        return new QuestionWindows(context, windows);
    }

    private static ContextWindow Window(RemBertEncoding encoding)
    {
        int start = Array.IndexOf(encoding.SequenceIds, ContextSequence);
        int end = Array.LastIndexOf(encoding.SequenceIds, ContextSequence) + 1;
        if (start < 0)
            start = end = encoding.InputIds.Length; // a context of only characters the tokenizer drops: no context token
        return new ContextWindow(encoding.InputIds, encoding.TokenTypeIds, encoding.Offsets, start, end);
    }
}
