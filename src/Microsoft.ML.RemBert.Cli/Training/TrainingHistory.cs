using Microsoft.ML.RemBert.Trainers;

namespace Microsoft.ML.RemBert.Cli.Training;

/// <summary>
/// Everything a training run reported, for the report's curves: the loss and learning rate of every optimizer step
/// and the validation metric of every epoch. Reports arrive on the training thread; reading happens after training.
/// </summary>
internal sealed class TrainingHistory
{
    private readonly List<RemBertTrainingProgress> steps = [];
    private readonly List<RemBertTrainingProgress> validations = [];

    public IReadOnlyList<RemBertTrainingProgress> Steps => steps;
    public IReadOnlyList<RemBertTrainingProgress> Validations => validations;

    public void Add(RemBertTrainingProgress report)
    {
        lock (steps)
            (report.ValidationMetric is null ? steps : validations).Add(report);
    }
}
