using Microsoft.ML.RemBert.Modeling;
using Microsoft.ML.RemBert.Tests.MLNet.Tokenization;
using Microsoft.ML.RemBert.Tests.Modeling;
using static TorchSharp.torch;

namespace Microsoft.ML.RemBert.Tests.MLNet.Scoring;

/// <summary>Rows of varied length, a tiny classifier over the committed tiny tokenizer, and the row-by-row reference.</summary>
internal static class ScoringTestData
{
    public const int MaxSequenceLength = 16;

    private static readonly string[] Words =
        ["the", "quick", "brown", "fox", "東京", "machine", "learning", "Привет", "tokens", "vectors", "ok", "à", "la", "gare"];

    /// <summary><paramref name="count"/> texts whose lengths vary (some truncated at <see cref="MaxSequenceLength"/>, one empty).</summary>
    public static TextRow[] Rows(int count) => Enumerable.Range(0, count)
        .Select(i => new TextRow(i % 7 == 3 ? "" : string.Join(' ', Enumerable.Range(0, 1 + (i * 5 % 19)).Select(j => Words[(i + j * 3) % Words.Length]))))
        .ToArray();

    /// <summary>A task over a small randomly initialised classifier (seeded: equal weights every time).</summary>
    /// <param name="seed">Seed of the weights.</param>
    /// <param name="layers">Encoder layers (one makes long-running tests cheaper).</param>
    public static LogitsScoringTask CreateTask(long seed = 1234, int layers = 2)
    {
        var tokenizer = TokenizerTestData.LoadTokenizer();
        var config = TinyModels.Config() with
        {
            VocabSize = tokenizer.SentencePiece.VocabularySize, PadTokenId = tokenizer.PadTokenId, NumHiddenLayers = layers,
        };
        var model = TinyModels.Build<RemBertForSequenceClassification>(config, RemBertArchitectures.ForSequenceClassification, seed);
        return new LogitsScoringTask(tokenizer, model, nameof(TextRow.Text), MaxSequenceLength);
    }

    /// <summary>The logits of one text scored alone, unpadded: what every batched path must reproduce.</summary>
    public static float[] ScoreAlone(LogitsScoringTask task, string text)
    {
        var encoding = task.Encode(text);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var ids = tensor(encoding.InputIds.Select(id => (long)id).ToArray(), [1, encoding.InputIds.Length]);
        var types = tensor(encoding.TokenTypeIds.Select(id => (long)id).ToArray(), [1, encoding.InputIds.Length]);
        return task.Model.forward(ids, ones_like(ids), types).Logits.data<float>().ToArray();
    }

    public static ScoredRow[] ReadScored(MLContext mlContext, IDataView scored)
        => mlContext.Data.CreateEnumerable<ScoredRow>(scored, reuseRowObject: false).ToArray();

    public sealed record TextRow(string Text);

    public sealed class ScoredRow
    {
        public string Text { get; set; } = "";
        public float[] Logits { get; set; } = [];
        public float Score { get; set; }
    }
}
