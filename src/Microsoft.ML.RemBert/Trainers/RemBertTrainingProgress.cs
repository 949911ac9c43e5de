namespace Microsoft.ML.RemBert.Trainers;

/// <summary>
/// One progress report of a RemBERT trainer: after every optimizer step (<see cref="ValidationMetric"/> null) and
/// after every validation (at the end of an epoch, or every <see cref="RemBertTrainerOptions.EvaluationSteps"/> steps). Sent to <see cref="RemBertTrainerOptions.Progress"/> and written to
/// <c>MLContext.Log</c>.
/// </summary>
public sealed record RemBertTrainingProgress
{
    /// <summary>The epoch, from 1.</summary>
    public int Epoch { get; init; }

    /// <summary>The number of epochs training runs unless early stopping ends it.</summary>
    public int MaxEpochs { get; init; }

    /// <summary>Optimizer steps done so far, over all epochs.</summary>
    public int Step { get; init; }

    /// <summary>Optimizer steps of the whole run.</summary>
    public int TotalSteps { get; init; }

    /// <summary>Mean training loss of the last step's batches.</summary>
    public double Loss { get; init; }

    /// <summary>The learning rate the last step used.</summary>
    public double LearningRate { get; init; }

    /// <summary>Training examples per second since training started.</summary>
    public double ExamplesPerSecond { get; init; }

    /// <summary>Estimated time to the last step, from the pace so far.</summary>
    public TimeSpan EstimatedTimeLeft { get; init; }

    /// <summary>The validation value of the <see cref="RemBertTrainerOptions.BestModelMetric"/> (named by <see cref="ValidationMetricName"/>); null in step reports.</summary>
    public double? ValidationMetric { get; init; }

    /// <summary>The metric <see cref="ValidationMetric"/> is, e.g. "MicroAccuracy" or "RootMeanSquaredError"; null in step reports.</summary>
    public string? ValidationMetricName { get; init; }

    /// <summary>Every validation metric of the task by name (the same pass); null in step reports.</summary>
    public IReadOnlyDictionary<string, double>? ValidationMetrics { get; init; }

    /// <summary>One line for logs.</summary>
    public override string ToString() =>
        ValidationMetric is { } metric
            ? $"epoch {Epoch}/{MaxEpochs}: validation {ValidationMetricName} {metric:G5} at step {Step}/{TotalSteps}"
            : $"epoch {Epoch}/{MaxEpochs} step {Step}/{TotalSteps}: loss {Loss:G5}, learning rate {LearningRate:G3}, " +
              $"{ExamplesPerSecond:F1} examples/s, {EstimatedTimeLeft:hh\\:mm\\:ss} left";
}
