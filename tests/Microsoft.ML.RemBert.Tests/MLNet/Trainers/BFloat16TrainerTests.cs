using System.IO.Compression;
using System.Text.Json;
using Microsoft.ML.RemBert.MLNet.Trainers;
using Microsoft.ML.RemBert.Modeling;
using Microsoft.ML.RemBert.Trainers;
using Microsoft.ML.Data;
using TorchSharp;
using static TorchSharp.torch;
using Xunit;
using Xunit.Abstractions;

namespace Microsoft.ML.RemBert.Tests.MLNet.Trainers;

/// <summary>
/// bfloat16 in the trainers: mixed-precision training is repeatable and keeps float32 weights; a model scored in
/// bfloat16 predicts what float32 predicts on at least 99 % of the sentence trainers' test rows; its zip stores 2 bytes
/// per weight and scores identically when reloaded in another process.
/// </summary>
[Collection(TrainingCollection.Name)]
public sealed class BFloat16TrainerTests(ITestOutputHelper output) : TrainerTestBase
{
    private const string WeightsEntry = "RemBertModel.bin";

    [Fact]
    public void MixedPrecisionTrainingIsRepeatableWarnsOnceWithoutNativeSupportAndConvertsForInference()
    {
        var data = TinyTraining.KeyedIntents(MLContext, 48, seed: 1);
        var warnings = new List<string>();
        MLContext.Log += (_, e) => { if (e.Message.Contains("no native bfloat16", StringComparison.Ordinal)) warnings.Add(e.Message); };

        (float[][] Scores, ScalarType Weights) Train(RemBertPrecision training, RemBertPrecision inference)
        {
            var options = TinyTraining.Multiclass();
            options.TrainingPrecision = training;
            options.InferencePrecision = inference;
            options.NativeBFloat16Check = _ => false;
            using var model = MLContext.MulticlassClassification.Trainers.RemBert(options).Fit(data);
            var weights = ((SequenceScoringTask)model.ScoringTask).Model.parameters().Select(p => p.dtype).Distinct().Single();
            return (Scores(model, data), weights);
        }

        var first = Train(RemBertPrecision.BFloat16, RemBertPrecision.Float32);
        Assert.Single(warnings);
        var second = Train(RemBertPrecision.BFloat16, RemBertPrecision.Float32);
        var float32 = Train(RemBertPrecision.Float32, RemBertPrecision.Float32);
        var converted = Train(RemBertPrecision.BFloat16, RemBertPrecision.BFloat16);

        Assert.Equal(first.Scores, second.Scores); // same seed, same data: bit for bit
        Assert.Equal(ScalarType.Float32, first.Weights); // master weights stay float32
        Assert.NotEqual(float32.Scores, first.Scores); // the matmuls really ran in bfloat16
        Assert.Equal(ScalarType.BFloat16, converted.Weights);
        Assert.Equal(3, warnings.Count); // once per bfloat16 run, none for float32
    }

    [SkippableFact]

    [Trait("Category", "Slow")]
    public void MulticlassBFloat16AgreesWithFloat32HalvesTheZipAndReloadsIdenticallyInAnotherProcess()
    {
        var train = MLContext.Data.LoadFromEnumerable(KeywordData.IntentRows(240, seed: 1));
        var testRows = KeywordData.IntentRows(400, seed: 2);
        var test = MLContext.Data.LoadFromEnumerable(testRows);
        var pipeline = MLContext.Transforms.Conversion.MapValueToKey("Label")
            .Append(MLContext.MulticlassClassification.Trainers.RemBert(new RemBertTextClassificationOptions
            {
                Model = KeywordData.BaseCheckpoint, MaxEpochs = 6, BatchSize = 16, LearningRate = 1e-3, WarmupRatio = 0.1,
                MaxSequenceLength = 32, Seed = 1,
            }))
            .Append(MLContext.Transforms.Conversion.MapKeyToValue("PredictedLabel"));
        var float32 = pipeline.Fit(train);
        string float32Zip = Path.Combine(TempDirectory, "float32.zip");
        MLContext.Model.Save(float32, train.Schema, float32Zip);
        var bfloat16 = (TransformerChain<ITransformer>)MLContext.Model.Load(float32Zip, out _);
        var scoring = bfloat16.OfType<RemBertTextClassificationTransformer>().Single();
        scoring.ConvertTo(RemBertPrecision.BFloat16);
        var model = scoring.Model;
        Assert.All(model.parameters(), p => Assert.Equal(ScalarType.BFloat16, p.dtype));

        var expected = Predict(float32, test);
        var actual = Predict(bfloat16, test);
        double agreement = expected.Zip(actual).Count(pair => pair.First.PredictedLabel == pair.Second.PredictedLabel) / (double)expected.Length;
        double worstScore = expected.Zip(actual).Max(pair => pair.First.Score.Zip(pair.Second.Score).Max(s => Math.Abs(s.First - s.Second)));
        output.WriteLine($"bfloat16 vs float32: predicted label agreement {agreement:P2} over {expected.Length} rows, largest probability difference {worstScore:G3}");
        Assert.True(agreement >= 0.99, $"agreement {agreement:P2}");

        string bfloat16Zip = Path.Combine(TempDirectory, "bfloat16.zip");
        MLContext.Model.Save(bfloat16, train.Schema, bfloat16Zip);
        long saved = EntryLength(float32Zip) - EntryLength(bfloat16Zip);
        Assert.Equal(2 * model.CountParameters(), saved); // exactly 2 bytes per weight fewer, nothing else changes

        ExpectIdentical(actual, PredictInChildProcess(bfloat16, train, testRows, "PredictedLabel", "Score"));

        // rembert predict --precision bfloat16 on the float32 zip converts at load: the same scores again.
        string input = Path.Combine(TempDirectory, "input.jsonl"), converted = Path.Combine(TempDirectory, "converted.jsonl");
        var result = RembertCli.Run("predict", "--model", float32Zip, "--input", input, "--output", converted, "--precision", "bf16",
            "--columns", "PredictedLabel", "Score");
        Assert.True(result.ExitCode == 0, result.StandardError);
        ExpectIdentical(actual, File.ReadAllLines(converted).Select(line => JsonDocument.Parse(line).RootElement.Clone()).ToArray());
        float32.OfType<RemBertTextClassificationTransformer>().Single().Dispose();
        bfloat16.OfType<RemBertTextClassificationTransformer>().Single().Dispose();
    }

    [SkippableFact]
    public void BinaryBFloat16AgreesWithFloat32()
    {
        static BinaryRow[] Rows(int count, int seed) => KeywordData.IntentRows(count, seed).Where(row => row.Label != "alarm")
            .Select(row => new BinaryRow(row.Sentence1, row.Label == "weather")).ToArray();
        var train = MLContext.Data.LoadFromEnumerable(Rows(240, seed: 1));
        var test = MLContext.Data.LoadFromEnumerable(Rows(600, seed: 2));
        RemBertBinaryClassificationTransformer Fit(RemBertPrecision inference) => MLContext.BinaryClassification.Trainers.RemBert(new RemBertBinaryClassificationOptions
        {
            Model = KeywordData.BaseCheckpoint, MaxEpochs = 4, BatchSize = 16, LearningRate = 1e-3, MaxSequenceLength = 32, Seed = 1,
            LabelColumnName = "Label", Sentence1ColumnName = "Sentence1", InferencePrecision = inference,
        }).Fit(train);
        using var float32 = Fit(RemBertPrecision.Float32);
        using var bfloat16 = Fit(RemBertPrecision.BFloat16); // the same training (same seed), then converted
        var expected = MLContext.Data.CreateEnumerable<BinaryPrediction>(float32.Transform(test), reuseRowObject: false).ToArray();
        var actual = MLContext.Data.CreateEnumerable<BinaryPrediction>(bfloat16.Transform(test), reuseRowObject: false).ToArray();
        double agreement = expected.Zip(actual).Count(pair => pair.First.PredictedLabel == pair.Second.PredictedLabel) / (double)expected.Length;
        output.WriteLine($"binary bfloat16 vs float32: predicted label agreement {agreement:P2} over {expected.Length} rows");
        Assert.True(agreement >= 0.99, $"agreement {agreement:P2}");
    }

    private static void ExpectIdentical(Prediction[] expected, JsonElement[] reloaded)
    {
        Assert.Equal(expected.Length, reloaded.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.Equal(expected[i].PredictedLabel, reloaded[i].GetProperty("PredictedLabel").GetString());
            Assert.Equal(expected[i].Score, Floats(reloaded[i].GetProperty("Score")));
        }
    }

    private Prediction[] Predict(ITransformer model, IDataView data) =>
        MLContext.Data.CreateEnumerable<Prediction>(model.Transform(data), reuseRowObject: false).ToArray();

    private float[][] Scores(ITransformer model, IDataView data) =>
        MLContext.Data.CreateEnumerable<ScoreRow>(model.Transform(data), reuseRowObject: false).Select(row => row.Score).ToArray();

    private static long EntryLength(string zipPath)
    {
        using var zip = ZipFile.OpenRead(zipPath);
        return zip.Entries.Single(e => e.FullName.EndsWith(WeightsEntry, StringComparison.Ordinal)).Length;
    }

    private sealed class Prediction
    {
        public string PredictedLabel { get; set; } = "";
        public float[] Score { get; set; } = [];
    }

    private sealed class ScoreRow
    {
        public float[] Score { get; set; } = [];
    }

    private sealed record BinaryRow(string Sentence1, bool Label);

    private sealed class BinaryPrediction
    {
        public bool PredictedLabel { get; set; }
    }
}
