using Microsoft.ML.Data;
using Microsoft.ML.RemBert.Onnx;
using Microsoft.ML.RemBert.Tests.MLNet;
using Microsoft.ML.RemBert.Tests.MLNet.Trainers;
using Microsoft.ML.RemBert.Tests.MLNet.Trainers.NamedEntities;
using Microsoft.ML.RemBert.Trainers;
using Xunit;
using Xunit.Abstractions;

namespace Microsoft.ML.RemBert.Tests.Onnx;

/// <summary>
/// A trained NER transformer exported with ConvertToOnnx: ONNX Runtime on EncodeForOnnx's batch (windows of long
/// sentences, empty rows) gives the zip's tag keys per word and its scores within 1e-4; int8 keeps the tags.
/// </summary>
[Collection(TrainingCollection.Name)]
public sealed class OnnxNamedEntityExportTests(ITestOutputHelper output) : MLNetFileTestBase
{
    private const float Tolerance = 1e-4f;

    private RemBertNamedEntityRecognitionTransformer Train(int rows, int epochs)
    {
        var options = TinyTraining.Options(new RemBertNamedEntityRecognitionOptions { WordsColumnName = "Words" });
        options.MaxEpochs = epochs;
        options.Stride = 4;
        var data = MLContext.Data.LoadFromEnumerable(NamedEntityData.Rows(rows, seed: 1));
        var keyed = MLContext.Transforms.Conversion.MapValueToKey("Label", "Tags").Fit(data).Transform(data);
        return MLContext.MulticlassClassification.Trainers.RemBertNamedEntityRecognition(options).Fit(keyed);
    }

    private string Export(ITransformer model, string name)
    {
        string path = Path.Combine(TempDirectory, name);
        using (var stream = File.Create(path))
            MLContext.Model.ConvertToOnnx(model, MLContext.Data.LoadFromEnumerable(new[] { new WordsInput() }), stream);
        return path;
    }

    [Fact]
    public void ExportGivesTheZipsTagsPerWordOverWindowsAndEmptyRows()
    {
        using var model = Train(rows: 24, epochs: 1);
        // Short sentences, sentences long enough for several windows (24 tokens here), and a row without words.
        var rows = NamedEntityData.Rows(6, seed: 2).Concat(NamedEntityData.LongRows(3, sentences: 4, seed: 3))
            .Select(row => new WordsInput { Words = row.Words }).Append(new WordsInput()).ToArray();
        var data = MLContext.Data.LoadFromEnumerable(rows);
        string zip = Path.Combine(TempDirectory, "ner.zip");
        MLContext.Model.Save(model, data.Schema, zip);
        var scored = MLContext.Model.Load(zip, out _).Transform(data);
        var expectedKeys = scored.GetColumn<uint[]>("PredictedLabel").ToArray();
        var expectedScores = scored.GetColumn<float[]>("Score").ToArray();
        string onnx = Export(model, "ner.onnx");

        var batch = model.EncodeForOnnx(data);
        Assert.True(batch["InputIds"].Dimensions[0] > rows.Length - 1, "the long rows should need several windows each");
        Assert.Equal(rows.Select(row => row.Words.Length), batch.WordCounts);
        var ort = OnnxBatchRun.Run(onnx, batch.Inputs);
        var keys = batch.PerRow(ort["PredictedLabel.output"].Values<uint>());
        var scores = batch.PerRow(ort["Score.output"].Values<float>());
        Assert.Equal(expectedKeys, keys);
        for (int row = 0; row < rows.Length; row++)
        {
            Assert.Equal(expectedScores[row].Length, scores[row].Length);
            for (int word = 0; word < scores[row].Length; word++)
                Assert.True(Math.Abs(expectedScores[row][word] - scores[row][word]) <= Tolerance, $"row {row}, word {word}: expected {expectedScores[row][word]}, ONNX gave {scores[row][word]}");
        }
    }

    [Fact]
    public void Int8ExportKeepsTheTagsAndItsCostIsMeasured()
    {
        using var model = Train(rows: 96, epochs: 3);
        var test = NamedEntityData.Rows(40, seed: 6);
        var data = MLContext.Data.LoadFromEnumerable(test.Select(row => new WordsInput { Words = row.Words }));
        var expected = model.Transform(data).GetColumn<uint[]>("PredictedLabel").SelectMany(keys => keys).ToArray();
        string int8 = Export(model.ForOnnxExport(new RemBertOnnxExportOptions { QuantizeInt8 = true }), "ner.int8.onnx");
        Assert.Contains("MatMulInteger", System.Text.Encoding.ASCII.GetString(File.ReadAllBytes(int8)));

        var batch = model.EncodeForOnnx(data);
        var keys = batch.PerRow(OnnxBatchRun.Run(int8, batch.Inputs)["PredictedLabel.output"].Values<uint>()).SelectMany(row => row).ToArray();
        var truth = test.SelectMany(row => row.Tags).Select(tag => (uint)Array.IndexOf(model.TagNames.ToArray(), tag) + 1).ToArray();
        double agreement = expected.Zip(keys, (e, a) => e == a ? 1.0 : 0.0).Average();
        double accuracyFp32 = expected.Zip(truth, (p, t) => p == t ? 1.0 : 0.0).Average();
        double accuracyInt8 = keys.Zip(truth, (p, t) => p == t ? 1.0 : 0.0).Average();
        output.WriteLine($"NER, int8 vs zip on {truth.Length} words: tags agree {agreement:P1}, word accuracy {accuracyFp32:P1} (zip) vs {accuracyInt8:P1} (int8)");
        Assert.True(agreement >= 0.9, $"int8 agrees with the zip on {agreement:P1} of the words' tags");
    }

    /// <summary>The export's schema and the scored rows: the words column only.</summary>
    private sealed class WordsInput
    {
        public string[] Words { get; set; } = [];
    }
}
