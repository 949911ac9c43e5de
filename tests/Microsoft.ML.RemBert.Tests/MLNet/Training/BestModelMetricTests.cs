using Microsoft.ML.RemBert.MLNet.Trainers;
using Microsoft.ML.RemBert.MLNet.Training;
using Microsoft.ML.RemBert.Tests.MLNet.Trainers;
using Microsoft.ML.RemBert.Trainers;
using Xunit;

namespace Microsoft.ML.RemBert.Tests.MLNet.Training;

/// <summary>
/// Metric-driven model selection (issue 21, part 3): the named validation metric picks the kept weights with its
/// direction, validations run per epoch or every N steps, progress carries the metric, an unknown name fails before
/// anything is read, and the metrics agree with ML.NET's evaluators and scikit-learn's definitions.
/// </summary>
[Collection(TrainingCollection.Name)]
public sealed class BestModelMetricTests : MLNetFileTestBase
{
    [Fact]
    public void AnUnknownMetricNameFailsAtFitStartListingTheTasksMetrics()
    {
        var options = TinyTraining.Multiclass();
        options.ValidationSet = TinyTraining.KeyedIntents(MLContext, 8, seed: 2);
        options.BestModelMetric = "RSquared"; // a regression metric: not one a classifier computes
        // The training data's label is missing in every row: reading it would fail, so the error comes before any row is read.
        var unreadable = MLContext.Transforms.Conversion.MapValueToKey("Label")
            .Fit(MLContext.Data.LoadFromEnumerable(KeywordData.IntentRows(24, seed: 99)))
            .Transform(MLContext.Data.LoadFromEnumerable(KeywordData.IntentRows(8, seed: 1).Select(row => row with { Label = "no such intent" })));

        var error = Assert.Throws<ArgumentException>(() => MLContext.MulticlassClassification.Trainers.RemBert(options).Fit(unreadable));

        Assert.Equal(nameof(RemBertTrainerOptions.BestModelMetric), error.ParamName);
        Assert.Contains("'RSquared'", error.Message);
        Assert.Contains("MicroAccuracy (higher is better), MacroAccuracy (higher is better), LogLoss (lower is better)", error.Message);
    }

    [Fact]
    public void AMetricWithoutAValidationSetIsAnError()
    {
        var options = TinyTraining.Multiclass();
        options.BestModelMetric = "LogLoss";
        var error = Assert.Throws<ArgumentException>(() =>
            MLContext.MulticlassClassification.Trainers.RemBert(options).Fit(TinyTraining.KeyedIntents(MLContext, 8, seed: 1)));
        Assert.Contains("no ValidationSet", error.Message);
    }

    [Theory]
    [InlineData("LogLoss")]
    [InlineData("macroaccuracy")] // names are case-insensitive
    public void TheNamedMetricPicksTheKeptWeightsWithItsDirectionEveryNSteps(string name)
    {
        var reports = new List<RemBertTrainingProgress>();
        var options = TinyTraining.Multiclass();
        options.MaxEpochs = 3;
        options.LearningRate = 3e-3;
        var validation = TinyTraining.KeyedIntents(MLContext, 30, seed: 2);
        options.ValidationSet = validation;
        options.EvaluationStrategy = EvaluationStrategy.Steps;
        options.EvaluationSteps = 4;
        options.BestModelMetric = name;
        options.Progress = new SynchronousProgress(reports.Add);

        using var model = MLContext.MulticlassClassification.Trainers.RemBert(options).Fit(TinyTraining.KeyedIntents(MLContext, 40, seed: 1));

        // 40 rows in batches of 8: 5 steps per epoch, 15 in all; validations every 4 steps and after the last.
        var validations = reports.Where(report => report.ValidationMetric is not null).ToList();
        Assert.Equal([4, 8, 12, 15], validations.Select(report => report.Step));
        Assert.Equal([1, 2, 3, 3], validations.Select(report => report.Epoch));
        string canonical = name == "LogLoss" ? "LogLoss" : "MacroAccuracy";
        Assert.All(validations, report => Assert.Equal(canonical, report.ValidationMetricName));
        Assert.All(validations, report => Assert.Equal(["LogLoss", "MacroAccuracy", "MicroAccuracy"], report.ValidationMetrics!.Keys.Order()));
        Assert.All(validations, report => Assert.Equal(report.ValidationMetrics![canonical], report.ValidationMetric));

        // The kept weights are the best validation's by the metric's direction, and ML.NET's evaluator agrees with its value.
        var metrics = MLContext.MulticlassClassification.Evaluate(model.Transform(validation));
        if (canonical == "LogLoss")
            Assert.Equal(validations.Min(report => report.ValidationMetric!.Value), metrics.LogLoss, 5);
        else
            Assert.Equal(validations.Max(report => report.ValidationMetric!.Value), metrics.MacroAccuracy, 6);
    }

    [Fact]
    public void BinaryMetricsFollowScikitLearnsDefinitions()
    {
        // sklearn.metrics.roc_auc_score([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]) == 0.75
        float[] labels = [0, 0, 1, 1];
        Assert.Equal(0.75, SequenceMetrics.Auc([0.1, 0.4, 0.35, 0.8], labels), 12);
        // Ties count half: roc_auc_score([0, 1, 0, 1], [0.5, 0.5, 0.2, 0.9]) == 0.875
        Assert.Equal(0.875, SequenceMetrics.Auc([0.5, 0.5, 0.2, 0.9], [0, 1, 0, 1]), 12);
        Assert.True(double.IsNaN(SequenceMetrics.Auc([0.1, 0.2], [1, 1])));
        // f1_score([1, 1, 0, 0, 1], [1, 0, 1, 0, 1]) == 2/3 (score > 0 predicts positive)
        Assert.Equal(2 / 3.0, SequenceMetrics.F1Score([1, -1, 1, -1, 1], [1, 1, 0, 0, 1]), 12);
        // r2_score([3, -0.5, 2, 7], [2.5, 0.0, 2, 8]) == 0.9486081370449679
        Assert.Equal(0.9486081370449679, SequenceMetrics.RSquared([[2.5f], [0f], [2f], [8f]], [3, -0.5f, 2, 7]), 6);
        // balanced accuracy (ML.NET's MacroAccuracy): classes 0 (2 of 3 right) and 1 (1 of 1): 5/6
        Assert.Equal(5 / 6.0, SequenceMetrics.MacroAccuracy([[1, 0], [1, 0], [0, 1], [0, 1]], [0, 0, 0, 1]), 12);
    }

    [Fact]
    public void EveryTaskNamesItsDefaultFirstWithDirections()
    {
        var head = new RegressionProblem("Score");
        Assert.Equal(new TrainingMetric("RootMeanSquaredError", false), TrainingMetric.Select(head.Metrics, null));
        Assert.True(TrainingMetric.Select(head.Metrics, "rsquared").HigherIsBetter);
        var binary = new BinaryProblem("Score", "Probability", "PredictedLabel");
        Assert.Equal(["Accuracy", "Auc", "F1Score", "LogLoss"], binary.Metrics.Select(metric => metric.Name));
        Assert.False(TrainingMetric.Select(binary.Metrics, "LogLoss").HigherIsBetter);
        Assert.True(new TrainingMetric("Auc", true).IsBetter(0.5, double.NaN));
        Assert.False(new TrainingMetric("Auc", true).IsBetter(double.NaN, 0.5));
    }
}
