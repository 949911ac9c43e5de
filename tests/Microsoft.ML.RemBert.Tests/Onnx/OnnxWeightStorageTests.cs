using System.Globalization;
using Microsoft.ML.Data;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.RemBert.Checkpoints;
using Microsoft.ML.RemBert.MLNet.Trainers;
using Microsoft.ML.RemBert.Modeling;
using Microsoft.ML.RemBert.Onnx;
using Microsoft.ML.RemBert.Tests.MLNet;
using Microsoft.ML.RemBert.Tests.MLNet.Trainers;
using Microsoft.ML.RemBert.Tests.Modeling;
using Microsoft.ML.RemBert.Tokenization;
using Microsoft.ML.RemBert.Trainers;
using Xunit;
using Xunit.Abstractions;

namespace Microsoft.ML.RemBert.Tests.Onnx;

/// <summary>
/// How an export stores its weights: one byte per int8 weight and four per float32 one inside the .onnx file (raw
/// bytes, not protobuf varints), or in an ONNX external-data side file (<see cref="RemBertOnnxExportOptions.ExternalDataPath"/>)
/// that ONNX Runtime and ApplyOnnxModel read from the model's path; and the error of a model too large for one protobuf.
/// </summary>
public sealed class OnnxWeightStorageTests(ITestOutputHelper output) : MLNetFileTestBase
{
    private const int MaxSequenceLength = 24;

    /// <summary>What an export holds besides the weights (nodes, names, shapes): a few KiB for this model's 2 layers.</summary>
    private const long GraphBytes = 32 << 10;

    [Fact]
    public void ExportSizesAreTheWeightsBytes()
    {
        using var model = RandomClassifier();
        var parameters = model.ScoringTask.ScoredModel!.named_parameters().Select(p => (Name: p.name, Count: p.parameter.numel(), Rows: p.parameter.shape[0])).ToList();
        long float32Bytes = parameters.Sum(p => 4 * p.Count);
        // int8: the encoder layers' linear weights take one byte each plus one float scale per output column.
        var quantized = parameters.Where(p => RemBertOnnxWriter.IsQuantizedWeight(p.Name)).ToList();
        Assert.Equal(2 * 6, quantized.Count);
        long int8Bytes = float32Bytes - quantized.Sum(p => 3 * p.Count) + quantized.Sum(p => 4 * p.Rows);

        long fp32Size = new FileInfo(Export(model, "fp32.onnx", new RemBertOnnxExportOptions { TokenIdsInput = true })).Length;
        long int8Size = new FileInfo(Export(model, "int8.onnx", new RemBertOnnxExportOptions { TokenIdsInput = true, QuantizeInt8 = true })).Length;
        output.WriteLine($"fp32: {fp32Size:N0} bytes for {float32Bytes:N0} bytes of weights; int8: {int8Size:N0} bytes for {int8Bytes:N0}");
        Assert.InRange(fp32Size, float32Bytes, float32Bytes + GraphBytes);
        Assert.InRange(int8Size, int8Bytes, int8Bytes + GraphBytes);
    }

    [Fact]
    public void ExternalDataExportScoresAsTheZipFromItsPath()
    {
        using var model = RandomClassifier();
        var data = MLContext.Data.LoadFromEnumerable(KeywordData.IntentRows(16, seed: 4));
        var expected = ReloadedFromZip(model, data).Transform(data).GetColumn<float[]>("Score").ToArray();
        long float32Bytes = model.ScoringTask.ScoredModel!.parameters().Sum(parameter => 4 * parameter.numel());
        int tensorCount = model.ScoringTask.ScoredModel!.parameters().Count();

        string sideFile = Path.Combine(Directory.CreateDirectory(Path.Combine(TempDirectory, "fp32")).FullName, "model.onnx.data");
        string onnx = Export(model, "fp32/model.onnx", new RemBertOnnxExportOptions { TokenIdsInput = true, ExternalDataPath = sideFile });
        long onnxSize = new FileInfo(onnx).Length, sideSize = new FileInfo(sideFile).Length;
        output.WriteLine($"{onnxSize:N0} bytes of graph, {sideSize:N0} bytes of side file, {float32Bytes:N0} bytes of weights");
        Assert.InRange(onnxSize, 0, GraphBytes);
        // Every weight but the vectors under 1 KiB, each at an aligned offset (at most 4 KiB of padding before it).
        Assert.InRange(sideSize, float32Bytes * 95 / 100, float32Bytes + tensorCount * (4L << 10));

        ScoreAssert.Close(expected, IdsInScoring.WithOnnxRuntime(model, onnx, data)["Score.output"].Rows<float>());
        ScoreAssert.Close(expected, IdsInScoring.WithApplyOnnxModel(MLContext, model, onnx, data, MaxSequenceLength).GetColumn<float[]>("Score").ToArray());

        // The weights are only in the side file: the graph alone, elsewhere, does not load.
        string alone = Path.Combine(Directory.CreateDirectory(Path.Combine(TempDirectory, "alone")).FullName, "model.onnx");
        File.Copy(onnx, alone);
        Assert.Throws<OnnxRuntimeException>(() => new InferenceSession(alone).Dispose());
    }

    [Fact]
    public void Int8ExternalDataExportScoresAsTheInt8Graph()
    {
        using var model = RandomClassifier();
        var data = MLContext.Data.LoadFromEnumerable(KeywordData.IntentRows(16, seed: 5));
        var int8Options = new RemBertOnnxExportOptions { TokenIdsInput = true, QuantizeInt8 = true };
        string inlineOnnx = Export(model, "int8.onnx", int8Options);
        var inline = IdsInScoring.WithOnnxRuntime(model, inlineOnnx, data)["Score.output"].Rows<float>();

        string sideFile = Path.Combine(Directory.CreateDirectory(Path.Combine(TempDirectory, "int8")).FullName, "weights.bin");
        string onnx = Export(model, "int8/model.onnx", int8Options with { ExternalDataPath = sideFile });
        // At least the int8 weights (one byte each) and the float32 embeddings left the graph.
        long moved = model.ScoringTask.ScoredModel!.named_parameters()
            .Sum(p => RemBertOnnxWriter.IsQuantizedWeight(p.name) ? p.parameter.numel() : p.name.Contains("embeddings.") ? 4 * p.parameter.numel() : 0);
        Assert.InRange(new FileInfo(onnx).Length, 0, new FileInfo(inlineOnnx).Length - moved);
        ScoreAssert.Close(inline, IdsInScoring.WithOnnxRuntime(model, onnx, data)["Score.output"].Rows<float>());
    }

    [Fact]
    public void AModelOverTheLimitFailsNamingItsSizeTheLimitAndTheOption()
    {
        using var model = RandomClassifier();
        long float32Bytes = model.ScoringTask.ScoredModel!.parameters().Sum(parameter => 4 * parameter.numel());
        // Between the int8 and the float32 size of the weights (162,828 and 453,132 bytes).
        var options = new RemBertOnnxExportOptions { TokenIdsInput = true, MaxInlineWeightBytes = 300_000 };

        var error = Assert.Throws<NotSupportedException>(() => Export(model, "too-large.onnx", options));
        output.WriteLine(error.Message);
        Assert.Contains($"{float32Bytes.ToString("N0", CultureInfo.InvariantCulture)} bytes", error.Message);
        Assert.Contains("300,000 bytes", error.Message);
        Assert.Contains("RemBertOnnxExportOptions.ExternalDataPath", error.Message);
        Assert.Contains("QuantizeInt8", error.Message);

        Export(model, "int8.onnx", options with { QuantizeInt8 = true });
        Export(model, "external.onnx", options with { ExternalDataPath = Path.Combine(TempDirectory, "external.onnx.data") });
    }

    [Fact]
    public void AFailedExportLeavesTheSideFileAsItWas()
    {
        var config = TinyTraining.Config() with { IsDecoder = true, NumLabels = 3 };
        using var model = RandomClassifier(config);
        string directory = Directory.CreateDirectory(Path.Combine(TempDirectory, "failed")).FullName;
        string sideFile = Path.Combine(directory, "model.onnx.data");
        File.WriteAllText(sideFile, "before");

        using var stream = new MemoryStream();
        var options = new RemBertOnnxExportOptions { TokenIdsInput = true, ExternalDataPath = sideFile };
        var error = Assert.Throws<NotSupportedException>(() =>
            MLContext.Model.ConvertToOnnx(model.ForOnnxExport(options), MLContext.Data.LoadFromEnumerable(new[] { new SentenceRow("") }), stream));
        Assert.Contains("is_decoder", error.Message);
        Assert.Equal("before", File.ReadAllText(sideFile));
        Assert.Equal([sideFile], Directory.GetFiles(directory));
    }

    private ITransformer ReloadedFromZip(ITransformer model, IDataView data)
    {
        string path = Path.Combine(TempDirectory, "model.zip");
        MLContext.Model.Save(model, data.Schema, path);
        return MLContext.Model.Load(path, out _);
    }

    /// <summary>A randomly initialised 3-class classifier (seed 1234) of 2 layers, hidden 64: large enough that its weights outweigh the graph.</summary>
    private RemBertTextClassificationTransformer RandomClassifier(RemBertConfig? config = null)
    {
        config ??= TinyTraining.Config() with
        {
            HiddenSize = 64, NumHiddenLayers = 2, NumAttentionHeads = 4, InputEmbeddingSize = 32, IntermediateSize = 256, NumLabels = 3,
        };
        var model = TinyModels.Build<RemBertForSequenceClassification>(config, RemBertArchitectures.ForSequenceClassification);
        var tokenizer = RemBertTokenizer.FromPretrained(KeywordData.TinyTokenizerPath);
        var task = new SequenceScoringTask(new SequenceEncoder(tokenizer, "Sentence1", null, MaxSequenceLength), model,
            new MulticlassProblem(["a", "b", "c"], "PredictedLabel", "Score"));
        return new RemBertTextClassificationTransformer(MLContext, task, inferenceBatchSize: 8);
    }

    private string Export(RemBertTextClassificationTransformer model, string fileName, RemBertOnnxExportOptions options)
    {
        string path = Path.Combine(TempDirectory, fileName);
        using (var stream = File.Create(path))
            MLContext.Model.ConvertToOnnx(model.ForOnnxExport(options), MLContext.Data.LoadFromEnumerable(new[] { new SentenceRow("") }), stream);
        return path;
    }

    private sealed record SentenceRow(string Sentence1);
}
