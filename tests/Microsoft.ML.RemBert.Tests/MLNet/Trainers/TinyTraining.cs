using Microsoft.ML.RemBert.Modeling;
using Microsoft.ML.RemBert.Tokenization;
using Microsoft.ML.RemBert.Trainers;

namespace Microsoft.ML.RemBert.Tests.MLNet.Trainers;

/// <summary>
/// Options that train a very small RemBERT from random weights with the committed 146-piece tokenizer: seconds per
/// run and no reference checkpoint, for tests of the training core's behaviour rather than of what it learns.
/// </summary>
internal static class TinyTraining
{
    public static readonly int VocabularySize = RemBertTokenizer.FromPretrained(KeywordData.TinyTokenizerPath).SentencePiece.VocabularySize;

    public static RemBertConfig Config(int? vocabularySize = null) => new()
    {
        VocabSize = vocabularySize ?? VocabularySize, HiddenSize = 16, NumHiddenLayers = 1, NumAttentionHeads = 2,
        InputEmbeddingSize = 8, OutputEmbeddingSize = 8, IntermediateSize = 32, MaxPositionEmbeddings = 64,
        HiddenDropoutProb = 0.1, PadTokenId = 0, BosTokenId = 3, EosTokenId = 4,
    };

    public static T Options<T>(T options) where T : RemBertTrainerOptions
    {
        options.Config = Config();
        options.Tokenizer = KeywordData.TinyTokenizerPath;
        options.MaxEpochs = 2;
        options.BatchSize = 8;
        options.LearningRate = 1e-3;
        options.MaxSequenceLength = 24;
        options.Seed = 7;
        options.Device = "cpu";
        return options;
    }

    public static RemBertTextClassificationOptions Multiclass() => Options(new RemBertTextClassificationOptions());

    /// <summary>Intent rows with the label already a key (as MapValueToKey makes it).</summary>
    public static IDataView KeyedIntents(MLContext mlContext, int count, int seed)
        => mlContext.Transforms.Conversion.MapValueToKey("Label")
            .Fit(mlContext.Data.LoadFromEnumerable(KeywordData.IntentRows(3 * count, seed: 99)))
            .Transform(mlContext.Data.LoadFromEnumerable(KeywordData.IntentRows(count, seed)));
}

/// <summary>An IProgress that reports on the training thread (System.Progress posts to the thread pool).</summary>
internal sealed class SynchronousProgress(Action<RemBertTrainingProgress> report) : IProgress<RemBertTrainingProgress>
{
    public void Report(RemBertTrainingProgress value) => report(value);
}
