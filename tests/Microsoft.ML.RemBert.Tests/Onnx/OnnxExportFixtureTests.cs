using Microsoft.ML.OnnxRuntime.Tensors;
using Microsoft.ML.RemBert.Checkpoints;
using Microsoft.ML.RemBert.MLNet.Trainers;
using Microsoft.ML.RemBert.Modeling;
using Microsoft.ML.RemBert.Tests.MLNet;
using Microsoft.ML.RemBert.Tests.MLNet.Scoring;
using Microsoft.ML.RemBert.Tests.Modeling;
using Microsoft.ML.RemBert.Tokenization;
using Microsoft.ML.RemBert.Trainers;
using Microsoft.ML.RemBert.Onnx;
using Xunit;
using static TorchSharp.torch;

namespace Microsoft.ML.RemBert.Tests.Onnx;

/// <summary>
/// The exported graph against PyTorch's reference outputs (the fixtures' seqcls checkpoint, its padded batch of six),
/// and models that cannot be exported failing with a message naming what and why.
/// </summary>
public sealed class OnnxExportFixtureTests : MLNetFileTestBase
{
    private const double Tolerance = 1e-4;

    [SkippableFact]
    public void ReferenceSequenceClassifierThroughTheExportedGraphMatchesPyTorch()
    {
        var fixture = ReferenceFixture.Load();
        string directory = fixture.Checkpoint("seqcls");
        var model = RemBertCheckpoint.FromPretrained<RemBertForSequenceClassification>(directory);
        var head = new MulticlassProblem(["a", "b", "c"], "PredictedLabel", "Score");
        var task = new SequenceScoringTask(new SequenceEncoder(RemBertTokenizer.FromPretrained(directory), "Sentence1", null, 128), model, head);
        using var transformer = new RemBertTextClassificationTransformer(MLContext, task, inferenceBatchSize: 8);
        string onnx = Path.Combine(TempDirectory, "seqcls.onnx");
        using (var stream = File.Create(onnx))
            MLContext.Model.ConvertToOnnx(transformer.ForOnnxExport(new RemBertOnnxExportOptions { TokenIdsInput = true }),
                MLContext.Data.LoadFromEnumerable(new[] { new SentenceRow("") }), stream);

        var ids = new Dictionary<string, TorchSharp.torch.Tensor> { ["InputIds"] = fixture.InputIds(), ["AttentionMask"] = fixture.AttentionMask(), ["TokenTypeIds"] = fixture.TokenTypeIds() };
        int rows = (int)ids["InputIds"].shape[0];
        var outputs = OrtOutput.Run(onnx, (name, type) => type == TensorElementType.String
            ? OrtOutput.Texts(name, Enumerable.Repeat("", rows).ToArray())
            : OrtOutput.Ids(name, Enumerable.Range(0, rows).Select(row => ids[name][row].data<long>().ToArray()).ToArray()));

        var (shape, logits) = fixture.Output("seqcls_logits");
        int labels = (int)shape[1];
        var scores = outputs["Score.output"].Values<float>();
        var predicted = outputs["PredictedLabel.output"].Values<uint>();
        for (int row = 0; row < rows; row++)
        {
            var expected = logits.Skip(row * labels).Take(labels).Select(value => (double)value).ToArray();
            var actual = scores.Skip(row * labels).Take(labels).ToArray();
            double max = expected.Max(), sum = expected.Sum(value => Math.Exp(value - max));
            for (int label = 0; label < labels; label++)
            {
                Assert.InRange(actual[label] - Math.Exp(expected[label] - max) / sum, -Tolerance, Tolerance);
                // The logits themselves, up to the softmax's shift: log(p_i / p_0) = logit_i − logit_0.
                Assert.InRange(Math.Log(actual[label] / actual[0]) - (expected[label] - expected[0]), -Tolerance, Tolerance);
            }
            Assert.Equal((uint)Array.IndexOf(expected, expected.Max()) + 1, predicted[row]);
        }
    }

    [Fact]
    public void ATaskWithoutAGraphWriterFailsNamingIt()
    {
        using var transformer = new LogitsScoringTransformer(MLContext, ScoringTestData.CreateTask(layers: 1));
        var data = MLContext.Data.LoadFromEnumerable(ScoringTestData.Rows(2));
        using var stream = new MemoryStream();
        var error = Assert.Throws<NotSupportedException>(() => MLContext.Model.ConvertToOnnx(transformer, data, stream));
        Assert.Contains("ONNX export is not available for LogitsScoringTask", error.Message);
        Assert.Contains("no ONNX graph writer", error.Message);
    }

    [Fact]
    public void ADecoderModelFailsNamingIsDecoder()
    {
        var tokenizer = RemBertTokenizer.FromPretrained(MLNet.Trainers.KeywordData.TinyTokenizerPath);
        var config = MLNet.Trainers.TinyTraining.Config() with { IsDecoder = true, NumLabels = 1 };
        var model = TinyModels.Build<RemBertForSequenceClassification>(config, RemBertArchitectures.ForSequenceClassification);
        var task = new SequenceScoringTask(new SequenceEncoder(tokenizer, "Sentence1", null, 16), model, new RegressionProblem("Score"));
        using var transformer = new RemBertRegressionTransformer(MLContext, task, inferenceBatchSize: 8);
        using var stream = new MemoryStream();
        var error = Assert.Throws<NotSupportedException>(() =>
            MLContext.Model.ConvertToOnnx(transformer, MLContext.Data.LoadFromEnumerable(new[] { new SentenceRow("") }), stream));
        Assert.Contains("RemBertForSequenceClassification", error.Message);
        Assert.Contains("is_decoder is true", error.Message);
    }

    private sealed record SentenceRow(string Sentence1);
}
