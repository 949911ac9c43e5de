using Microsoft.ML.Data;
using Microsoft.ML.RemBert.Onnx;
using Microsoft.ML.RemBert.Tests.MLNet;
using Microsoft.ML.RemBert.Tests.MLNet.Trainers;
using Microsoft.ML.RemBert.Tests.MLNet.Trainers.MultipleChoice;
using Microsoft.ML.RemBert.Trainers;
using Xunit;
using Xunit.Abstractions;

namespace Microsoft.ML.RemBert.Tests.Onnx;

/// <summary>
/// A trained multiple-choice transformer exported with ConvertToOnnx: ONNX Runtime on EncodeForOnnx's batch and
/// ApplyOnnxModel one row at a time give the zip's Score within 1e-4 and its PredictedLabel; int8 keeps the labels.
/// </summary>
[Collection(TrainingCollection.Name)]
public sealed class OnnxMultipleChoiceExportTests(ITestOutputHelper output) : MLNetFileTestBase
{
    private const float Tolerance = 1e-4f;

    // Choices of different lengths (one long enough to be truncated) so the batch is padded and truncation is exercised.
    private static ChoiceData.ChoiceRow[] MixedRows(int count, int seed) => ChoiceData.Rows(count, seed).Select((row, i) =>
    {
        if (i % 5 == 1)
            row.Choices[i % 4] += string.Concat(Enumerable.Repeat(" and then some more words", i % 3 == 0 ? 20 : 2));
        return row;
    }).ToArray();

    private RemBertMultipleChoiceTransformer Train(int rows, int epochs)
    {
        var options = TinyTraining.Options(new RemBertMultipleChoiceOptions());
        options.MaxEpochs = epochs;
        return MLContext.MulticlassClassification.Trainers.RemBertMultipleChoice(options).Fit(MLContext.Data.LoadFromEnumerable(ChoiceData.Rows(rows, seed: 1)));
    }

    private string Export(ITransformer model, string name)
    {
        string path = Path.Combine(TempDirectory, name);
        using (var stream = File.Create(path))
            MLContext.Model.ConvertToOnnx(model, MLContext.Data.LoadFromEnumerable(new[] { new ChoiceInput() }), stream);
        return path;
    }

    [Fact]
    public void ExportScoresAsTheZipThroughOnnxRuntimeAndApplyOnnxModel()
    {
        using var model = Train(rows: 24, epochs: 1);
        var data = MLContext.Data.LoadFromEnumerable(MixedRows(20, seed: 2));
        string zip = Path.Combine(TempDirectory, "model.zip");
        MLContext.Model.Save(model, data.Schema, zip);
        var scored = MLContext.Model.Load(zip, out _).Transform(data);
        var expectedScores = scored.GetColumn<float[]>("Score").ToArray();
        var expectedLabels = scored.GetColumn<uint>("PredictedLabel").ToArray();
        string onnx = Export(model, "mc.onnx");

        // The tokenizer transform writes one sequence per row: it cannot write a row's choices, and says what does.
        Assert.Contains("EncodeForOnnx", Assert.Throws<NotSupportedException>(() => model.CreateOnnxInputTokenizer()).Message);
        var batch = model.EncodeForOnnx(data);
        Assert.Equal([20 * ChoiceData.ChoiceCount, batch["InputIds"].Dimensions[1]], batch["InputIds"].Dimensions);
        var ort = OnnxBatchRun.Run(onnx, batch.Inputs);
        Assert.Equal([20, ChoiceData.ChoiceCount], ort["Score.output"].Dimensions);
        AssertClose(expectedScores, OnnxBatchRun.Rows(ort["Score.output"]));
        Assert.Equal(expectedLabels, ort["PredictedLabel.output"].Values<uint>());

        // ApplyOnnxModel feeds one row at a time: each row's choices as a [choices, seq] block of the batch's ids.
        int length = batch["InputIds"].Dimensions[1], block = ChoiceData.ChoiceCount * length;
        var rows = data.GetColumn<string>("Prompt").Zip(data.GetColumn<string[]>("Choices")).Select((row, i) => new IdsRow
        {
            Prompt = row.First,
            Choices = row.Second,
            InputIds = batch["InputIds"].Values.AsSpan(i * block, block).ToArray(),
            AttentionMask = batch["AttentionMask"].Values.AsSpan(i * block, block).ToArray(),
            TokenTypeIds = batch["TokenTypeIds"].Values.AsSpan(i * block, block).ToArray(),
        }).ToArray();
        var schema = SchemaDefinition.Create(typeof(IdsRow));
        foreach (var name in new[] { "InputIds", "AttentionMask", "TokenTypeIds" })
            schema[name].ColumnType = new VectorDataViewType(NumberDataViewType.Int64, block);
        // The converter passes the text columns through as graph inputs too: ML.NET feeds a vector input only at a known size.
        schema["Choices"].ColumnType = new VectorDataViewType(TextDataViewType.Instance, ChoiceData.ChoiceCount);
        var idsData = MLContext.Data.LoadFromEnumerable(rows, schema);
        var shapes = new Dictionary<string, int[]>
        {
            ["InputIds"] = [ChoiceData.ChoiceCount, length], ["AttentionMask"] = [ChoiceData.ChoiceCount, length],
            ["TokenTypeIds"] = [ChoiceData.ChoiceCount, length], ["Choices"] = [1, ChoiceData.ChoiceCount],
        };
        var mlnet = MLContext.Transforms.ApplyOnnxModel(onnx, shapeDictionary: shapes).Fit(idsData).Transform(idsData);
        AssertClose(expectedScores, mlnet.GetColumn<float[]>("Score").ToArray());
        Assert.Equal(expectedLabels, mlnet.GetColumn<uint[]>("PredictedLabel").Select(label => Assert.Single(label)).ToArray());
    }

    [Fact]
    public void Int8ExportKeepsTheLabelsAndItsCostIsMeasured()
    {
        using var model = Train(rows: 96, epochs: 4);
        var test = MLContext.Data.LoadFromEnumerable(ChoiceData.Rows(60, seed: 6));
        var scored = model.Transform(test);
        var expectedScores = scored.GetColumn<float[]>("Score").ToArray();
        var expectedLabels = scored.GetColumn<uint>("PredictedLabel").ToArray();
        var truth = test.GetColumn<uint>("Label").Select(label => label + 1).ToArray();
        string int8 = Export(model.ForOnnxExport(new RemBertOnnxExportOptions { QuantizeInt8 = true }), "mc.int8.onnx");
        Assert.Contains("MatMulInteger", System.Text.Encoding.ASCII.GetString(File.ReadAllBytes(int8)));

        var ort = OnnxBatchRun.Run(int8, model.EncodeForOnnx(test).Inputs);
        var scores = OnnxBatchRun.Rows(ort["Score.output"]);
        var labels = ort["PredictedLabel.output"].Values<uint>();
        double maxDifference = expectedScores.Zip(scores, (e, a) => e.Zip(a, (x, y) => Math.Abs(x - y)).Max()).Max();
        double agreement = expectedLabels.Zip(labels, (e, a) => e == a ? 1.0 : 0.0).Average();
        double accuracyFp32 = expectedLabels.Zip(truth, (p, t) => p == t ? 1.0 : 0.0).Average();
        double accuracyInt8 = labels.Zip(truth, (p, t) => p == t ? 1.0 : 0.0).Average();
        output.WriteLine($"multiple choice, int8 vs zip on {truth.Length} rows: max |Δscore| {maxDifference:F4}, labels agree {agreement:P1}, accuracy {accuracyFp32:P1} (zip) vs {accuracyInt8:P1} (int8)");
        Assert.True(agreement >= 0.9, $"int8 agrees with the zip on {agreement:P1} of labels");
        Assert.True(maxDifference < 0.05, $"int8 moved a probability by {maxDifference}");
        Assert.True(maxDifference > 0, "an int8 graph that matches float32 exactly was not quantized");
    }

    private static void AssertClose(float[][] expected, float[][] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.Equal(expected[i].Length, actual[i].Length);
            for (int j = 0; j < expected[i].Length; j++)
                Assert.True(Math.Abs(expected[i][j] - actual[i][j]) <= Tolerance, $"row {i}, value {j}: expected {expected[i][j]}, ONNX gave {actual[i][j]}");
        }
    }

    /// <summary>The export's schema: the model's text columns only (ConvertToOnnx makes every column a graph input).</summary>
    private sealed class ChoiceInput
    {
        public string Prompt { get; set; } = "";
        public string[] Choices { get; set; } = [];
    }

    private sealed class IdsRow
    {
        public string Prompt { get; set; } = "";
        public string[] Choices { get; set; } = [];
        public long[] InputIds { get; set; } = [];
        public long[] AttentionMask { get; set; } = [];
        public long[] TokenTypeIds { get; set; } = [];
    }
}
