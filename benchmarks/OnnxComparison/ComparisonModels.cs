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
    /// <summary>google/rembert's width (hidden 1152, 18 heads, intermediate 4608, embeddings 256) with 4 layers.</summary>
    public static RemBertConfig FourLayerFullWidth { get; } = RemBertConfig.GoogleRemBert() with { NumHiddenLayers = 4 };

    /// <summary>google/rembert's shape: 32 layers, 250,300-row vocabulary (float32 weights 2.14 GiB: its fp32 export uses external data).</summary>
    public static RemBertConfig FullSize { get; } = RemBertConfig.GoogleRemBert();

    /// <summary>A model small enough for a smoke run (--quick): numbers meaningless.</summary>
    public static RemBertConfig Tiny { get; } = new()
    {
        VocabSize = 1000, HiddenSize = 64, NumHiddenLayers = 2, NumAttentionHeads = 4, InputEmbeddingSize = 32,
        OutputEmbeddingSize = 32, IntermediateSize = 128, MaxPositionEmbeddings = 256,
    };

    /// <summary>
    /// Writes a randomly initialised binary classifier (seed 1) of <paramref name="config"/>'s shape as a transformers
    /// checkpoint, as fp32 and int8 exports through ML.NET's ConvertToOnnx, and as the standard export of the same
    /// checkpoint (<see cref="StandardExport"/>), into <paramref name="directory"/> (an export whose weights exceed one
    /// protobuf's 2 GiB writes them beside it: ONNX external data); returns why our exports, and why the standard one,
    /// are missing (null when written).
    /// </summary>
    public static (string? OnnxProblem, string? StandardProblem) Prepare(RemBertConfig config, string directory)
        => (PrepareOurs(config, directory), StandardExport.Write(directory, Path.Combine(directory, EngineKinds.OnnxFile(EngineKind.OrtStandardFloat32))));

    private static string? PrepareOurs(RemBertConfig config, string directory)
    {
        config = config with { NumLabels = 2, Architectures = [RemBertArchitectures.ForSequenceClassification] };
        torch.manual_seed(1);
        var model = new RemBertForSequenceClassification(config);
        model.eval();
        model.SavePretrained(directory);
        var mlContext = new MLContext(seed: 1);
        // The tokenizer only completes the transformer: the engines are fed ids.
        var tokenizer = RemBertTokenizer.FromPretrained(Path.Combine(AppContext.BaseDirectory, "tiny-unigram.model"));
        var task = new SequenceScoringTask(new SequenceEncoder(tokenizer, "Sentence1", null, config.MaxPositionEmbeddings), model, new BinaryProblem("Score", "Probability", "PredictedLabel"));
        using var transformer = new RemBertBinaryClassificationTransformer(mlContext, task, inferenceBatchSize: 8);
        var schema = mlContext.Data.LoadFromEnumerable(new[] { new SentenceRow("") });
        try
        {
            foreach (var (engine, int8) in new[] { (EngineKind.OrtFloat32, false), (EngineKind.OrtInt8, true) })
            {
                string path = Path.Combine(directory, EngineKinds.OnnxFile(engine));
                bool external = RemBertOnnxExportCheck.InlineWeightBytes(model, int8) > RemBertOnnxExportCheck.MaxInlineWeightBytes;
                var options = new RemBertOnnxExportOptions { QuantizeInt8 = int8, TokenIdsInput = true, ExternalDataPath = external ? path + ".data" : null };
                using var stream = File.Create(path);
                mlContext.Model.ConvertToOnnx(transformer.ForOnnxExport(options), schema, stream);
                Console.WriteLine($"  exported {Path.GetFileName(path)}: {new FileInfo(path).Length:N0} bytes" +
                    (external ? $", weights in {Path.GetFileName(path)}.data: {new FileInfo(path + ".data").Length:N0} bytes" : ""));
            }
            return null;
        }
        catch (NotSupportedException ex)
        {
            return ex.Message;
        }
    }

    private sealed record SentenceRow(string Sentence1);
}
