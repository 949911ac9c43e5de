using Microsoft.ML.RemBert.Modeling;
using Microsoft.ML.RemBert.Pretraining;
using Microsoft.ML.RemBert.Tests.Infrastructure;
using Microsoft.ML.RemBert.Tests.MLNet.Trainers;
using Microsoft.ML.RemBert.Tokenization;

namespace Microsoft.ML.RemBert.Tests.Pretraining;

/// <summary>A very small model, the committed 146-piece tokenizer and a repetitive multilingual corpus: pretraining in seconds.</summary>
internal static class TinyPretraining
{
    public static RemBertTokenizer Tokenizer() => RemBertTokenizer.FromPretrained(KeywordData.TinyTokenizerPath);

    public static RemBertConfig Config() => new()
    {
        HiddenSize = 32, NumHiddenLayers = 1, NumAttentionHeads = 2, InputEmbeddingSize = 16, OutputEmbeddingSize = 24,
        IntermediateSize = 64, MaxPositionEmbeddings = 64,
    };

    public static RemBertPretrainingOptions Options(PretrainingObjective objective = PretrainingObjective.MaskedLanguageModeling) => new()
    {
        Objective = objective, Epochs = 40, BatchSize = 8, LearningRate = 3e-3, MaxLength = 24, Seed = 11, WarmupRatio = 0.05,
    };

    /// <summary>Writes a corpus of <paramref name="lines"/> keyword sentences (a small, learnable distribution) to <paramref name="path"/>.</summary>
    public static string WriteCorpus(string path, int lines = 60)
    {
        File.WriteAllLines(path, KeywordData.IntentRows(lines, seed: 5).Select(row => row.Sentence1));
        return path;
    }
}
