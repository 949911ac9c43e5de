using Microsoft.ML.RemBert.Trainers;
using Xunit;
using Xunit.Abstractions;

namespace Microsoft.ML.RemBert.Tests.MLNet.Trainers;

/// <summary>The regression trainer end to end on sentence pairs: the share of keywords the two sentences have in common.</summary>
[Collection(TrainingCollection.Name)]
public sealed class RegressionTrainerTests(ITestOutputHelper output) : TrainerTestBase
{
    [SkippableFact]
    [Trait("Category", "Slow")]
    public void LearnsPairSimilarityEvaluatesAndReloadsInAnotherProcess()
    {
        var train = MLContext.Data.LoadFromEnumerable(KeywordData.PairRows(300, seed: 5));
        var testRows = KeywordData.PairRows(60, seed: 6);
        var test = MLContext.Data.LoadFromEnumerable(testRows);
        var trainer = MLContext.Regression.Trainers.RemBert(new RemBertRegressionOptions
        {
            Model = KeywordData.BaseCheckpoint,
            Sentence2ColumnName = "Sentence2",
            // 30 epochs: held-out R² 0.730, 0.485, 0.524, 0.577 for seeds 1-4 (12 epochs gave 0.234, 0.209, 0.434: too
            // close to the bound once batches were grouped as transformers groups them).
            MaxEpochs = 30,
            BatchSize = 16,
            LearningRate = 1e-3,
            WarmupRatio = 0.1,
            MaxSequenceLength = 32,
            Seed = 1,
        });

        using var model = trainer.Fit(train);
        var predictions = model.Transform(test);
        var metrics = MLContext.Regression.Evaluate(predictions);
        output.WriteLine($"R² {metrics.RSquared:F3}, RMSE {metrics.RootMeanSquaredError:F3}, MAE {metrics.MeanAbsoluteError:F3}");
        Assert.True(metrics.RSquared >= 0.35, $"R² {metrics.RSquared} (predicting the mean gives 0)");

        var expected = MLContext.Data.CreateEnumerable<Prediction>(predictions, reuseRowObject: false).ToArray();
        var reloaded = PredictInChildProcess(model, train, testRows, "Score");
        Assert.Equal(expected.Select(row => row.Score), reloaded.Select(row => (float)row.GetProperty("Score").GetDouble()));
    }

    private sealed class Prediction
    {
        public float Score { get; set; }
    }
}
