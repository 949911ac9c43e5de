using System.Text.Json;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Microsoft.ML.RemBert.MLNet.Trainers;
using Microsoft.ML.RemBert.Modeling;
using Microsoft.ML.RemBert.Onnx;
using Microsoft.ML.RemBert.Tests.MLNet;
using Microsoft.ML.RemBert.Tests.MLNet.Trainers;
using Microsoft.ML.RemBert.Tests.Modeling;
using Microsoft.ML.RemBert.Tokenization;
using Microsoft.ML.RemBert.Trainers;
using Xunit;

namespace Microsoft.ML.RemBert.Tests.Onnx;

/// <summary>
/// ONNX Runtime's graph optimiser (ORT_ENABLE_ALL) fuses our export the way it fuses torch.onnx.export's graph of
/// the same model (issue 23): every LayerNorm into one LayerNormalization kernel and every exact GELU into one Gelu
/// (BiasGelu with the intermediate dense's bias), in the ids-in fp32 and int8 exports and in the text-in one. The
/// kernels ONNX Runtime ran are read from its own profile; a decomposed LayerNorm or GELU left in the graph shows as
/// ReduceMean, Pow, Sqrt or Erf kernels there.
/// </summary>
public sealed class OnnxFusionTests : MLNetFileTestBase
{
    private static readonly string[] DecomposedOperators = ["ReduceMean", "Pow", "Sqrt", "Erf"];

    [Theory]
    [InlineData(false, true)]
    [InlineData(true, true)]
    [InlineData(false, false)]
    public void OnnxRuntimeFusesEveryLayerNormAndGelu(bool int8, bool idsIn)
    {
        var config = TinyModels.Config(numLabels: 1) with { VocabSize = TinyTraining.VocabularySize, HiddenAct = RemBertActivation.Gelu };
        var model = TinyModels.Build<RemBertForSequenceClassification>(config, RemBertArchitectures.ForSequenceClassification);
        var tokenizer = RemBertTokenizer.FromPretrained(KeywordData.TinyTokenizerPath);
        var task = new SequenceScoringTask(new SequenceEncoder(tokenizer, "Sentence1", null, 16), model, new RegressionProblem("Score"));
        using var transformer = new RemBertRegressionTransformer(MLContext, task, inferenceBatchSize: 8);
        string onnx = Path.Combine(TempDirectory, "model.onnx");
        using (var stream = File.Create(onnx))
            MLContext.Model.ConvertToOnnx(transformer.ForOnnxExport(new RemBertOnnxExportOptions { QuantizeInt8 = int8, TokenIdsInput = idsIn }),
                MLContext.Data.LoadFromEnumerable(new[] { new SentenceRow("") }), stream);

        var kernels = KernelsRun(onnx, textIn: !idsIn);

        int layers = config.NumHiddenLayers;
        // The embeddings' LayerNorm and two per layer.
        Assert.Equal(1 + 2 * layers, kernels.GetValueOrDefault("LayerNormalization"));
        Assert.Equal(layers, kernels.GetValueOrDefault("BiasGelu") + kernels.GetValueOrDefault("Gelu"));
        foreach (var op in DecomposedOperators)
            if (kernels.TryGetValue(op, out int count))
                Assert.Fail($"ONNX Runtime ran {count} {op} kernel(s): a LayerNorm or GELU was not fused ({string.Join(", ", kernels.Select(k => $"{k.Key} {k.Value}"))})");
    }

    /// <summary>The kernels (by operator type of the optimised graph) ONNX Runtime ran for one forward of two short rows.</summary>
    private Dictionary<string, int> KernelsRun(string onnx, bool textIn)
    {
        using var options = new SessionOptions
        {
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            EnableProfiling = true,
            ProfileOutputPathPrefix = Path.Combine(TempDirectory, "ort-profile"),
        };
        if (textIn) options.RegisterOrtExtensions();
        using var session = new InferenceSession(onnx, options);
        long[][] ids = [[3, 7, 9, 4], [3, 8, 4, 0]];
        var inputs = session.InputMetadata.Select(input => input.Value.ElementDataType == TensorElementType.String
            ? OrtOutput.Texts(input.Key, ["hello world", "the weather"])
            : OrtOutput.Ids(input.Key, input.Key switch
            {
                "AttentionMask" => [[1, 1, 1, 1], [1, 1, 1, 0]],
                "TokenTypeIds" => [[0, 0, 0, 0], [0, 0, 0, 0]],
                _ => ids,
            })).ToList();
        using (session.Run(inputs))
        {
        }
        string profile = session.EndProfiling();
        using var document = JsonDocument.Parse(File.ReadAllBytes(profile));
        return document.RootElement.EnumerateArray()
            .Where(e => e.TryGetProperty("cat", out var cat) && cat.GetString() == "Node" && e.GetProperty("name").GetString()!.EndsWith("_kernel_time", StringComparison.Ordinal))
            .GroupBy(e => e.GetProperty("args").GetProperty("op_name").GetString()!)
            .ToDictionary(group => group.Key, group => group.Count());
    }

    private sealed record SentenceRow(string Sentence1);
}
