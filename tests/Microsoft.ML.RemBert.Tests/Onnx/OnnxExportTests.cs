using Microsoft.ML.Data;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Microsoft.ML.RemBert.MLNet.Scoring;
using Microsoft.ML.RemBert.Tests.MLNet;
using Microsoft.ML.RemBert.Tests.MLNet.Trainers;
using Microsoft.ML.RemBert.Trainers;
using Microsoft.ML.RemBert.Onnx;
using Xunit;
using Xunit.Abstractions;

namespace Microsoft.ML.RemBert.Tests.Onnx;

/// <summary>
/// Each sentence trainer's transformer exported ids-in (<see cref="RemBertOnnxExportOptions.TokenIdsInput"/>) with
/// mlContext.Model.ConvertToOnnx and scored two ways, ML.NET's ApplyOnnxModel after the transformer's ONNX input
/// tokenizer and ONNX Runtime directly, gives the zip's scores within 1e-4 and the same predicted labels. The default,
/// text-in export: <see cref="TextInputTrainerExportTests"/>.
/// </summary>
[Collection(TrainingCollection.Name)]
public sealed class OnnxExportTests(ITestOutputHelper output) : MLNetFileTestBase
{
    [Fact]
    public void MulticlassExportScoresAsTheZip()
    {
        var data = TinyTraining.KeyedIntents(MLContext, 24, seed: 1);
        var options = TinyTraining.Multiclass();
        options.MaxEpochs = 1;
        using var model = MLContext.MulticlassClassification.Trainers.RemBert(options).Fit(data);
        var zip = ReloadedFromZip(model, data);

        var expectedScores = zip.Transform(data).GetColumn<float[]>("Score").ToArray();
        var expectedLabels = zip.Transform(data).GetColumn<uint>("PredictedLabel").ToArray();
        var onnx = Export(model, MLContext.Data.LoadFromEnumerable(new[] { new SentenceRow("") }));

        var mlnet = IdsInScoring.WithApplyOnnxModel(MLContext, model, onnx, data, options.MaxSequenceLength);
        ScoreAssert.Close(expectedScores, mlnet.GetColumn<float[]>("Score").ToArray());
        Assert.Equal(expectedLabels, mlnet.GetColumn<uint[]>("PredictedLabel").Select(label => Assert.Single(label)).ToArray());

        var ort = IdsInScoring.WithOnnxRuntime(model, onnx, data);
        ScoreAssert.Close(expectedScores, ort["Score.output"].Rows<float>());
        Assert.Equal(expectedLabels, ort["PredictedLabel.output"].Values<uint>());
    }

    [Fact]
    public void BinaryExportScoresAsTheZip()
    {
        var rows = KeywordData.IntentRows(24, seed: 2).Select(row => new BinaryRow(row.Sentence1, row.Label == "weather")).ToArray();
        var data = MLContext.Data.LoadFromEnumerable(rows);
        var options = TinyTraining.Options(new RemBertBinaryClassificationOptions());
        options.MaxEpochs = 1;
        using var model = MLContext.BinaryClassification.Trainers.RemBert(options).Fit(data);
        var scored = ReloadedFromZip(model, data).Transform(data);
        var expectedScores = scored.GetColumn<float>("Score").ToArray();
        var expectedProbabilities = scored.GetColumn<float>("Probability").ToArray();
        var expectedLabels = scored.GetColumn<bool>("PredictedLabel").ToArray();
        var onnx = Export(model, MLContext.Data.LoadFromEnumerable(new[] { new SentenceRow("") }));

        var mlnet = IdsInScoring.WithApplyOnnxModel(MLContext, model, onnx, data, options.MaxSequenceLength);
        ScoreAssert.Close(expectedScores, mlnet.GetColumn<float[]>("Score").Select(Assert.Single).ToArray());
        ScoreAssert.Close(expectedProbabilities, mlnet.GetColumn<float[]>("Probability").Select(Assert.Single).ToArray());
        Assert.Equal(expectedLabels, mlnet.GetColumn<bool[]>("PredictedLabel").Select(Assert.Single).ToArray());

        var ort = IdsInScoring.WithOnnxRuntime(model, onnx, data);
        ScoreAssert.Close(expectedScores, ort["Score.output"].Values<float>());
        ScoreAssert.Close(expectedProbabilities, ort["Probability.output"].Values<float>());
        Assert.Equal(expectedLabels, ort["PredictedLabel.output"].Values<bool>());
    }

    [Fact]
    public void RegressionOfSentencePairsExportScoresAsTheZip()
    {
        var data = MLContext.Data.LoadFromEnumerable(KeywordData.PairRows(24, seed: 3));
        var options = TinyTraining.Options(new RemBertRegressionOptions { Sentence2ColumnName = "Sentence2" });
        options.MaxEpochs = 1;
        using var model = MLContext.Regression.Trainers.RemBert(options).Fit(data);
        var expected = ReloadedFromZip(model, data).Transform(data).GetColumn<float>("Score").ToArray();
        var onnx = Export(model, MLContext.Data.LoadFromEnumerable(new[] { new PairRow("", "") }));

        var mlnet = IdsInScoring.WithApplyOnnxModel(MLContext, model, onnx, data, options.MaxSequenceLength);
        ScoreAssert.Close(expected, mlnet.GetColumn<float[]>("Score").Select(Assert.Single).ToArray());
        ScoreAssert.Close(expected, IdsInScoring.WithOnnxRuntime(model, onnx, data)["Score.output"].Values<float>());
    }

    [Fact]
    public void Int8ExportStaysCloseToTheZipAndItsCostIsMeasured()
    {
        var train = TinyTraining.KeyedIntents(MLContext, 120, seed: 5);
        var test = TinyTraining.KeyedIntents(MLContext, 60, seed: 6);
        var options = TinyTraining.Multiclass();
        options.MaxEpochs = 4;
        using var model = MLContext.MulticlassClassification.Trainers.RemBert(options).Fit(train);
        var scored = model.Transform(test);
        var expectedScores = scored.GetColumn<float[]>("Score").ToArray();
        var expectedLabels = scored.GetColumn<uint>("PredictedLabel").ToArray();
        var truth = test.GetColumn<uint>("Label").ToArray();

        var schema = MLContext.Data.LoadFromEnumerable(new[] { new SentenceRow("") });
        string fp32 = Export(model, schema);
        string int8 = Path.Combine(TempDirectory, "model.int8.onnx");
        using (var stream = File.Create(int8))
            MLContext.Model.ConvertToOnnx(model.ForOnnxExport(new RemBertOnnxExportOptions { QuantizeInt8 = true, TokenIdsInput = true }), schema, stream);
        Assert.Contains("MatMulInteger", System.Text.Encoding.ASCII.GetString(File.ReadAllBytes(int8)));
        Assert.DoesNotContain("MatMulInteger", System.Text.Encoding.ASCII.GetString(File.ReadAllBytes(fp32)));

        var ort = IdsInScoring.WithOnnxRuntime(model, int8, test);
        var scores = ort["Score.output"].Rows<float>();
        var labels = ort["PredictedLabel.output"].Values<uint>();
        double maxDifference = expectedScores.Zip(scores, (e, a) => e.Zip(a, (x, y) => Math.Abs(x - y)).Max()).Max();
        double agreement = expectedLabels.Zip(labels, (e, a) => e == a ? 1.0 : 0.0).Average();
        double accuracyFp32 = expectedLabels.Zip(truth, (p, t) => p == t ? 1.0 : 0.0).Average();
        double accuracyInt8 = labels.Zip(truth, (p, t) => p == t ? 1.0 : 0.0).Average();
        output.WriteLine($"int8 vs zip on {truth.Length} test rows: max |Δscore| {maxDifference:F4}, labels agree {agreement:P1}, accuracy {accuracyFp32:P1} (zip) vs {accuracyInt8:P1} (int8)");
        Assert.True(maxDifference < 0.05, $"int8 moved a probability by {maxDifference}");
        Assert.True(agreement >= 0.9, $"int8 agrees with the zip on {agreement:P1} of labels");
        Assert.True(maxDifference > 0, "an int8 graph that matches float32 exactly was not quantized");
    }

    private ITransformer ReloadedFromZip(ITransformer model, IDataView data)
    {
        string path = Path.Combine(TempDirectory, "model.zip");
        MLContext.Model.Save(model, data.Schema, path);
        return MLContext.Model.Load(path, out _);
    }

    /// <summary>
    /// The ids-in export. ConvertToOnnx makes every column of <paramref name="schemaData"/> a graph input (and passes
    /// it through), so the export is given a view with the model's text columns only: no Label input for scoring
    /// callers to feed.
    /// </summary>
    private string Export(RemBertScoringTransformer model, IDataView schemaData)
    {
        string path = Path.Combine(TempDirectory, "model.onnx");
        using (var stream = File.Create(path))
            MLContext.Model.ConvertToOnnx(model.ForOnnxExport(new RemBertOnnxExportOptions { TokenIdsInput = true }), schemaData, stream);
        return path;
    }

    private sealed record SentenceRow(string Sentence1);

    private sealed record PairRow(string Sentence1, string Sentence2);

    private sealed record BinaryRow(string Sentence1, bool Label);
}
