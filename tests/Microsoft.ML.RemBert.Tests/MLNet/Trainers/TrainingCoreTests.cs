using Microsoft.ML.RemBert.Trainers;
using TorchSharp;
using Xunit;

namespace Microsoft.ML.RemBert.Tests.MLNet.Trainers;

/// <summary>The training core's contract on a very small model: determinism, progress, validation, early stopping, cancellation.</summary>
[Collection(TrainingCollection.Name)]
public sealed class TrainingCoreTests : MLNetFileTestBase
{
    private RemBertTextClassificationTransformer Train(RemBertTextClassificationOptions options, int rows = 48)
        => MLContext.MulticlassClassification.Trainers.RemBert(options).Fit(TinyTraining.KeyedIntents(MLContext, rows, seed: 1));

    private static Dictionary<string, float[]> Weights(RemBertTextClassificationTransformer model)
        => model.Model.state_dict().ToDictionary(pair => pair.Key, pair => pair.Value.detach().cpu().contiguous().data<float>().ToArray());

    [Fact]
    public void SameSeedAndDataGiveIdenticalWeightsAndAnotherSeedDoesNot()
    {
        using var first = Train(TinyTraining.Multiclass());
        using var second = Train(TinyTraining.Multiclass());
        var third = TinyTraining.Multiclass();
        third.Seed = 8;
        using var other = Train(third);

        var a = Weights(first);
        var b = Weights(second);
        var c = Weights(other);
        Assert.Equal(a.Keys, b.Keys);
        foreach (var name in a.Keys)
            Assert.True(a[name].SequenceEqual(b[name]), $"{name} differs between two runs with the same seed");
        Assert.Contains(a.Keys, name => !a[name].SequenceEqual(c[name]));
    }

    [Fact]
    public void ReportsEveryStepWithTheWarmupAndDecaySchedule()
    {
        var reports = new List<RemBertTrainingProgress>();
        var options = TinyTraining.Multiclass();
        options.WarmupRatio = 0.25;
        options.MaxEpochs = 2;
        options.Progress = new SynchronousProgress(reports.Add);
        var log = new List<string>();
        MLContext.Log += (_, e) => { lock (log) log.Add(e.Message); };

        using var model = Train(options, rows: 64); // 8 batches of 8 per epoch: 16 steps, 4 of warm-up

        Assert.Equal(Enumerable.Range(1, 16), reports.Select(report => report.Step));
        Assert.All(reports, report => Assert.Equal(16, report.TotalSteps));
        Assert.Equal([1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2, 2, 2], reports.Select(report => report.Epoch));
        double[] expected = [0, 0.25e-3, 0.5e-3, 0.75e-3, 1e-3, 11 / 12.0 * 1e-3, 10 / 12.0 * 1e-3];
        Assert.Equal(expected, reports.Take(7).Select(report => report.LearningRate), new ToleranceComparer(1e-12));
        Assert.All(reports, report => Assert.True(double.IsFinite(report.Loss) && report.Loss > 0));
        Assert.All(reports, report => Assert.True(report.ExamplesPerSecond > 0));
        Assert.Equal(TimeSpan.Zero, reports[^1].EstimatedTimeLeft);
        Assert.Null(reports[0].ValidationMetric);
        Assert.Contains(log, line => line.Contains("step 16/16", StringComparison.Ordinal));
    }

    [Fact]
    public void ValidationKeepsTheBestEpochsWeights()
    {
        var reports = new List<RemBertTrainingProgress>();
        var options = TinyTraining.Multiclass();
        options.MaxEpochs = 4;
        options.LearningRate = 3e-3;
        var validation = TinyTraining.KeyedIntents(MLContext, 40, seed: 2);
        options.ValidationSet = validation;
        options.Progress = new SynchronousProgress(reports.Add);

        using var model = Train(options);

        var validations = reports.Where(report => report.ValidationMetric is not null).ToList();
        Assert.Equal([1, 2, 3, 4], validations.Select(report => report.Epoch));
        Assert.All(validations, report => Assert.Equal("MicroAccuracy", report.ValidationMetricName));
        var metrics = MLContext.MulticlassClassification.Evaluate(model.Transform(validation));
        Assert.Equal(validations.Max(report => report.ValidationMetric!.Value), metrics.MicroAccuracy, 6);
    }

    [Fact]
    public void EarlyStoppingEndsTrainingWhenTheMetricStopsImproving()
    {
        var reports = new List<RemBertTrainingProgress>();
        var options = TinyTraining.Multiclass();
        options.MaxEpochs = 6;
        options.LearningRate = 1e-12; // the weights barely move: the metric cannot improve after epoch 1
        options.ValidationSet = TinyTraining.KeyedIntents(MLContext, 16, seed: 2);
        options.EarlyStoppingPatience = 2;
        options.Progress = new SynchronousProgress(reports.Add);

        using var model = Train(options);

        Assert.Equal([1, 2, 3], reports.Where(report => report.ValidationMetric is not null).Select(report => report.Epoch));
    }

    [Fact]
    public void CancellationStopsBetweenStepsAndWritesNothing()
    {
        using var cancellation = new CancellationTokenSource();
        var reports = new List<RemBertTrainingProgress>();
        var options = TinyTraining.Multiclass();
        options.CancellationToken = cancellation.Token;
        options.Progress = new SynchronousProgress(report =>
        {
            reports.Add(report);
            if (report.Step == 2) cancellation.Cancel();
        });

        Assert.ThrowsAny<OperationCanceledException>(() => Train(options));
        Assert.Equal([1, 2], reports.Select(report => report.Step));
        Assert.Empty(Directory.EnumerateFileSystemEntries(TempDirectory));
    }

    [Fact]
    public void InferenceIsBatchedAndTheModelIsInEvalMode()
    {
        var options = TinyTraining.Multiclass();
        options.InferenceBatchSize = 5;
        using var model = Train(options);
        Assert.Equal(5, model.InferenceBatchSize);
        Assert.False(model.Model.training);
    }

    private sealed class ToleranceComparer(double tolerance) : IEqualityComparer<double>
    {
        public bool Equals(double x, double y) => Math.Abs(x - y) <= tolerance;
        public int GetHashCode(double obj) => 0;
    }
}
