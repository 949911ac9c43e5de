using Microsoft.ML.Data;
using Microsoft.ML.RemBert.MLNet.Tokenization;
using Microsoft.ML.RemBert.Tests.Infrastructure;
using Microsoft.ML.RemBert.Tokenization;
using Microsoft.ML.RemBert.Tokenization.SentencePiece;
using Microsoft.ML.RemBert.Transforms;

namespace Microsoft.ML.RemBert.Tests.MLNet.Tokenization;

/// <summary>Rows, tokenizer and fitted transform shared by the ML.NET integration tests.</summary>
internal static class TokenizerTestData
{
    /// <summary>Short enough to force truncation of the longer rows.</summary>
    public const int MaxSequenceLength = 16;

    public static readonly TextRow[] Rows =
    [
        new("The quick brown fox jumps over the lazy dog.", "Le renard brun saute."),
        new("Machine learning models turn text into tokens, and tokens into vectors; this row is long enough to be truncated.", "Un petit modèle."),
        new("東京は日本の首都です。", "Привет, как дела?"),
        new("", "only the pair has text"),
        new("tabs\tand \"quotes\", commas", "x"),
    ];

    public static RemBertTokenizer LoadTokenizer()
        => RemBertTokenizer.FromSentencePiece(SentencePieceProcessor.Load(TestPaths.TestData("MLNet", "tiny-unigram.model")));

    public static RemBertTokenizingOptions Options(bool withPair) => new()
    {
        InputColumnName = nameof(TextRow.Text),
        SecondInputColumnName = withPair ? nameof(TextRow.Pair) : null,
        MaxSequenceLength = MaxSequenceLength,
    };

    public static ITransformer Fit(MLContext mlContext, IDataView data, bool withPair)
        => mlContext.Transforms.Text.TokenizeForRemBert(LoadTokenizer(), Options(withPair)).Fit(data);

    /// <summary>The tokenizer's own answer for a row, padded like the transform's output.</summary>
    public static RemBertEncoding Expected(RemBertTokenizer tokenizer, TextRow row, bool withPair)
        => tokenizer.Encode(row.Text, withPair ? row.Pair : null, new RemBertEncodeOptions
        {
            MaxLength = MaxSequenceLength,
            Truncation = TruncationStrategy.LongestFirst,
            Padding = PaddingStrategy.MaxLength,
        });

    public static TokenizedRow[] ReadOutput(MLContext mlContext, IDataView transformed)
        => mlContext.Data.CreateEnumerable<TokenizedRow>(transformed, reuseRowObject: false).ToArray();

    public sealed record TextRow(string Text, string Pair);

    public sealed class TokenizedRow
    {
        public long[] InputIds { get; set; } = [];
        public long[] AttentionMask { get; set; } = [];
        public long[] TokenTypeIds { get; set; } = [];
    }
}
