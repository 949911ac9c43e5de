using Microsoft.ML;
using Microsoft.ML.RemBert.Checkpoints;
using Microsoft.ML.RemBert.MLNet.Trainers;
using Microsoft.ML.RemBert.Modeling;
using Microsoft.ML.RemBert.Onnx;
using Microsoft.ML.RemBert.Tokenization;
using Microsoft.ML.RemBert.Trainers;
using TorchSharp;

namespace OnnxComparison;

/// <summary>The models compared, and the one set of weights every engine loads.</summary>
internal static class ComparisonModels
{
    /// <summary>The full-size model's vocabulary here: google/rembert's 250,300 rows make its float32 weights 2.14 GiB, over
    /// the 2 GiB an ONNX protobuf holds. A table lookup costs the same whatever the table's size, so the forward's work
    /// is unchanged.</summary>
    public const int FullSizeVocabulary = 32_000;

    /// <summary>google/rembert's width (hidden 1152, 18 heads, intermediate 4608, embeddings 256) with 4 layers.</summary>
    public static RemBertConfig FourLayerFullWidth { get; } = RemBertConfig.GoogleRemBert() with { NumHiddenLayers = 4 };

    /// <summary>google/rembert's 32 layers, with <see cref="FullSizeVocabulary"/> rows.</summary>
    public static RemBertConfig FullSize { get; } = RemBertConfig.GoogleRemBert() with { VocabSize = FullSizeVocabulary };

    /// <summary>A model small enough for a smoke run (--quick): numbers meaningless.</summary>
    public static RemBertConfig Tiny { get; } = new()
    {
        VocabSize = 1000, HiddenSize = 64, NumHiddenLayers = 2, NumAttentionHeads = 4, InputEmbeddingSize = 32,
        OutputEmbeddingSize = 32, IntermediateSize = 128, MaxPositionEmbeddings = 256,
    };

    /// <summary>
    /// Writes a randomly initialised binary classifier (seed 1) of <paramref name="config"/>'s shape as a transformers
    /// checkpoint, and as fp32 and int8 exports through ML.NET's ConvertToOnnx, into <paramref name="directory"/>;
    /// returns why the model has no export, or null.
    /// </summary>
    public static string? Prepare(RemBertConfig config, string directory)
    {
        config = config with { NumLabels = 2, Architectures = [RemBertArchitectures.ForSequenceClassification] };
        torch.manual_seed(1);
        var model = new RemBertForSequenceClassification(config);
        model.eval();
        model.SavePretrained(directory);
        var mlContext = new MLContext(seed: 1);
        // The tokenizer only completes the transformer: the engines are fed ids.
        var tokenizer = RemBertTokenizer.FromPretrained(Path.Combine(AppContext.BaseDirectory, "tiny-unigram.model"));
        var task = new SequenceScoringTask(new SequenceEncoder(tokenizer, "Sentence1", null, config.MaxPositionEmbeddings), model, new BinaryHead("Score", "Probability", "PredictedLabel"));
        using var transformer = new RemBertBinaryClassificationTransformer(mlContext, task, inferenceBatchSize: 8);
        var schema = mlContext.Data.LoadFromEnumerable(new[] { new SentenceRow("") });
        try
        {
            using (var stream = File.Create(Path.Combine(directory, EngineKinds.OnnxFile(EngineKind.OrtFloat32))))
                mlContext.Model.ConvertToOnnx(transformer.ForOnnxExport(new RemBertOnnxExportOptions { TokenIdsInput = true }), schema, stream);
            using (var stream = File.Create(Path.Combine(directory, EngineKinds.OnnxFile(EngineKind.OrtInt8))))
                mlContext.Model.ConvertToOnnx(transformer.ForOnnxExport(new RemBertOnnxExportOptions { QuantizeInt8 = true, TokenIdsInput = true }), schema, stream);
            return null;
        }
        catch (NotSupportedException ex)
        {
            return ex.Message;
        }
    }

    private sealed record SentenceRow(string Sentence1);
}
