using Microsoft.ML.RemBert.Trainers;
using Xunit;
using Xunit.Abstractions;

namespace Microsoft.ML.RemBert.Tests.MLNet.Trainers;

/// <summary>The binary trainer end to end: is the request about the weather (in six languages)?</summary>
[Collection(TrainingCollection.Name)]
public sealed class BinaryTrainerTests(ITestOutputHelper output) : TrainerTestBase
{
    [SkippableFact]
    [Trait("Category", "Slow")]
    public void LearnsAKeywordEvaluatesAndReloadsInAnotherProcess()
    {
        static Row[] Rows(int count, int seed) => KeywordData.IntentRows(count, seed).Where(row => row.Label != "alarm")
            .Select(row => new Row(row.Sentence1, row.Label == "weather")).ToArray();
        var train = MLContext.Data.LoadFromEnumerable(Rows(240, seed: 3));
        var testRows = Rows(80, seed: 4);
        var test = MLContext.Data.LoadFromEnumerable(testRows);
        var trainer = MLContext.BinaryClassification.Trainers.RemBert(new RemBertBinaryClassificationOptions
        {
            Model = KeywordData.BaseCheckpoint,
            MaxEpochs = 10,
            BatchSize = 16,
            LearningRate = 1e-3,
            WarmupRatio = 0.1,
            MaxSequenceLength = 32,
            Seed = 1,
        });

        using var model = trainer.Fit(train);
        var predictions = model.Transform(test);
        var metrics = MLContext.BinaryClassification.Evaluate(predictions);
        output.WriteLine($"accuracy {metrics.Accuracy:F3}, AUC {metrics.AreaUnderRocCurve:F3}, F1 {metrics.F1Score:F3}");
        Assert.True(metrics.Accuracy >= 0.85, $"accuracy {metrics.Accuracy} (chance is about 0.5)");

        var expected = MLContext.Data.CreateEnumerable<Prediction>(predictions, reuseRowObject: false).ToArray();
        Assert.All(expected, row => Assert.Equal(row.Probability, 1 / (1 + MathF.Exp(-row.Score)), 5));
        Assert.All(expected, row => Assert.Equal(row.Score > 0, row.PredictedLabel));

        var reloaded = PredictInChildProcess(model, train, testRows, "Score", "Probability", "PredictedLabel");
        Assert.Equal(expected.Length, reloaded.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.Equal(expected[i].Score, (float)reloaded[i].GetProperty("Score").GetDouble());
            Assert.Equal(expected[i].Probability, (float)reloaded[i].GetProperty("Probability").GetDouble());
            Assert.Equal(expected[i].PredictedLabel, reloaded[i].GetProperty("PredictedLabel").GetBoolean());
        }
    }

    private sealed record Row(string Sentence1, bool Label);

    private sealed class Prediction
    {
        public float Score { get; set; }
        public float Probability { get; set; }
        public bool PredictedLabel { get; set; }
    }
}
