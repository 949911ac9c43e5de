using System.Diagnostics;
using Microsoft.ML.RemBert.Trainers;
using Microsoft.ML.Runtime;

namespace Microsoft.ML.RemBert.MLNet.Training;

/// <summary>Times the run and sends each report to the host's channel (MLContext.Log) and the user's callback.</summary>
internal sealed class TrainingProgressReporter(IChannel channel, IProgress<RemBertTrainingProgress>? progress, int maxEpochs, int totalSteps)
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private long _examples;
    private int _firstStep;

    /// <summary>Steps already done when this process started (a resumed run): the pace counts only the steps since.</summary>
    public void StartAt(int step) => _firstStep = step;

    /// <summary>Reports optimizer step <paramref name="step"/> (1-based) of <paramref name="epoch"/>.</summary>
    public void Step(int epoch, int step, int examples, double loss, double learningRate)
    {
        _examples += examples;
        double seconds = Math.Max(_clock.Elapsed.TotalSeconds, 1e-9);
        Send(new RemBertTrainingProgress
        {
            Epoch = epoch,
            MaxEpochs = maxEpochs,
            Step = step,
            TotalSteps = totalSteps,
            Loss = loss,
            LearningRate = learningRate,
            ExamplesPerSecond = _examples / seconds,
            EstimatedTimeLeft = TimeSpan.FromSeconds(seconds / Math.Max(1, step - _firstStep) * (totalSteps - step)),
        });
    }

    /// <summary>Reports a validation during <paramref name="epoch"/> after <paramref name="step"/>: the chosen metric and all the task's.</summary>
    public void Validation(int epoch, int step, string metricName, IReadOnlyDictionary<string, double> metrics)
        => Send(new RemBertTrainingProgress
        {
            Epoch = epoch,
            MaxEpochs = maxEpochs,
            Step = step,
            TotalSteps = totalSteps,
            ExamplesPerSecond = _examples / Math.Max(_clock.Elapsed.TotalSeconds, 1e-9),
            ValidationMetric = metrics[metricName],
            ValidationMetricName = metricName,
            ValidationMetrics = metrics,
        });

    /// <summary>A free-form line in the log (e.g. early stopping).</summary>
    public void Info(string message) => channel.Info(message);

    private void Send(RemBertTrainingProgress report)
    {
        channel.Info(report.ToString());
        progress?.Report(report);
    }
}
