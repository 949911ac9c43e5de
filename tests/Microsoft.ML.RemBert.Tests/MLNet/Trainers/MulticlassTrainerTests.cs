using Microsoft.ML.Data;
using Microsoft.ML.RemBert.Trainers;
using Xunit;
using Xunit.Abstractions;

namespace Microsoft.ML.RemBert.Tests.MLNet.Trainers;

/// <summary>
/// The multiclass trainer end to end: MapValueToKey, RemBert, MapKeyToValue on a multilingual keyword-intent task,
/// evaluated by ML.NET's evaluator, saved, and scored again in a new process with identical results.
/// </summary>
[Collection(TrainingCollection.Name)]
public sealed class MulticlassTrainerTests(ITestOutputHelper output) : TrainerTestBase
{
    [SkippableFact]
    [Trait("Category", "Slow")]
    public void LearnsKeywordIntentsEvaluatesAndReloadsInAnotherProcess()
    {
        var train = MLContext.Data.LoadFromEnumerable(KeywordData.IntentRows(240, seed: 1));
        var testRows = KeywordData.IntentRows(60, seed: 2);
        var test = MLContext.Data.LoadFromEnumerable(testRows);
        var pipeline = MLContext.Transforms.Conversion.MapValueToKey("Label")
            .Append(MLContext.MulticlassClassification.Trainers.RemBert(new RemBertTextClassificationOptions
            {
                Model = KeywordData.BaseCheckpoint,
                MaxEpochs = 12,
                BatchSize = 16,
                LearningRate = 1e-3,
                WarmupRatio = 0.1,
                MaxSequenceLength = 32,
                Seed = 1,
            }))
            .Append(MLContext.Transforms.Conversion.MapKeyToValue("PredictedLabel"));

        var model = pipeline.Fit(train);
        var predictions = model.Transform(test);
        var metrics = MLContext.MulticlassClassification.Evaluate(predictions);
        output.WriteLine($"micro accuracy {metrics.MicroAccuracy:F3}, macro accuracy {metrics.MacroAccuracy:F3}, log-loss {metrics.LogLoss:F3}");
        Assert.True(metrics.MicroAccuracy >= 0.85, $"micro accuracy {metrics.MicroAccuracy} (chance is 0.33)");

        var expected = MLContext.Data.CreateEnumerable<Prediction>(predictions, reuseRowObject: false).ToArray();
        Assert.All(expected, row => Assert.Equal(1.0, row.Score.Sum(), 4));
        Assert.All(expected, row => Assert.Contains(row.PredictedLabel, KeywordData.Intents.Select(intent => intent.Intent)));
        var slotNames = default(VBuffer<ReadOnlyMemory<char>>);
        predictions.Schema["Score"].GetSlotNames(ref slotNames);
        Assert.Equal(["weather", "music", "alarm"], slotNames.DenseValues().Select(name => name.ToString()));

        var reloaded = PredictInChildProcess(model, train, testRows, "PredictedLabel", "Score");
        Assert.Equal(expected.Length, reloaded.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.Equal(expected[i].PredictedLabel, reloaded[i].GetProperty("PredictedLabel").GetString());
            Assert.Equal(expected[i].Score, Floats(reloaded[i].GetProperty("Score")));
        }
        model.OfType<RemBertTextClassificationTransformer>().Single().Dispose();
    }

    private sealed class Prediction
    {
        public string PredictedLabel { get; set; } = "";
        public float[] Score { get; set; } = [];
    }
}
