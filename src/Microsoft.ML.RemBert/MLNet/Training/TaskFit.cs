using Microsoft.ML.RemBert.Modeling;
using Microsoft.ML.RemBert.Trainers;
using Microsoft.ML.Runtime;

namespace Microsoft.ML.RemBert.MLNet.Training;

/// <summary>
/// One task's part of a trainer's <c>Fit</c>, as <see cref="RemBertTrainerBase{TTransformer}"/> sees it: the public
/// base cannot name a task's example or model type (they are internal or differ per task), so it only runs this.
/// Derive from <see cref="TaskFit{TExample, TModel, TTransformer}"/>, never from this class.
/// </summary>
/// <typeparam name="TTransformer">The transformer the trainer's <c>Fit</c> returns.</typeparam>
internal abstract class TaskFit<TTransformer>
{
    private protected TaskFit()
    {
    }

    /// <summary>Trains on <paramref name="trainingData"/> (and the options' validation set) and returns the trained transformer.</summary>
    public abstract TTransformer Run(TrainingRun run, IDataView trainingData);
}

/// <summary>
/// The one <c>Fit</c> skeleton every task shares, written once: check the best-model metric against the task's, read the training rows and the validation set into
/// examples (data errors before the slow model load), log what was read, load the starting model with the task's
/// config changes, run the training loop, build the transformer from the trained model, and dispose the model when
/// anything after its load fails. A task supplies only the pieces: how it reads examples, its config changes, its
/// <see cref="ITrainingTask{TExample}"/> and its transformer. One instance serves one <c>Fit</c> (it may keep what
/// the training data fixed, e.g. the choice count, for the validation set and the transformer).
/// </summary>
/// <typeparam name="TExample">The task's training example.</typeparam>
/// <typeparam name="TModel">The task's head model (transformers' RemBertFor… class).</typeparam>
/// <typeparam name="TTransformer">The transformer the trainer's <c>Fit</c> returns.</typeparam>
internal abstract class TaskFit<TExample, TModel, TTransformer> : TaskFit<TTransformer>
    where TExample : ITrainingExample
    where TModel : RemBertPreTrainedModel
{
    /// <inheritdoc/>
    public sealed override TTransformer Run(TrainingRun run, IDataView trainingData)
    {
        var ct = run.Settings.CancellationToken;
        // The task's metrics are known now: a BestModelMetric it does not compute fails before the data is read.
        var task = TaskMetrics is null ? CreateTrainingTask(run.Tokenizer.PadTokenId) : null;
        TrainingMetric.Select(TaskMetrics ?? task!.Metrics, run.Settings.Options.BestModelMetric);
        var training = ReadTraining(trainingData, TrainingRun.TrainingDataName, ct);
        task ??= CreateTrainingTask(run.Tokenizer.PadTokenId);
        var validation = run.Settings.Options.ValidationSet is { } validationSet
            ? ReadValidation(validationSet, TrainingRun.ValidationDataName, ct)
            : null;
        run.Channel.Info($"{Describe(training, validation)}, seed {run.Settings.Seed}, device {run.Settings.Device}.");

        var model = run.LoadModel<TModel>(Configure);
        try
        {
            run.Train(task, model, training, validation);
            return CreateTransformer(model, run.Settings.Options.InferenceBatchSize);
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>
    /// The examples of the training data (one row may give several, e.g. windows over a long document); errors name
    /// the row, the column and <paramref name="dataName"/>.
    /// </summary>
    private protected abstract IReadOnlyList<TExample> ReadTraining(IDataView data, string dataName, CancellationToken cancellationToken);

    /// <summary>The examples of the validation set; by default read as the training data is.</summary>
    private protected virtual IReadOnlyList<TExample> ReadValidation(IDataView data, string dataName, CancellationToken cancellationToken)
        => ReadTraining(data, dataName, cancellationToken);

    /// <summary>What was read, for the log (e.g. "12 training rows, 4 validation rows"); the seed and device are appended.</summary>
    private protected abstract string Describe(IReadOnlyList<TExample> training, IReadOnlyList<TExample>? validation);

    /// <summary>The task's changes to the starting model's config (labels, problem type); none by default.</summary>
    private protected virtual RemBertConfig Configure(RemBertConfig config) => config;

    /// <summary>
    /// The task's validation metrics when <see cref="CreateTrainingTask"/> needs the training data read first (a head
    /// whose labels come from the rows); null when the task can be made at once.
    /// </summary>
    private protected virtual IReadOnlyList<TrainingMetric>? TaskMetrics => null;

    /// <summary>The loss and validation metric of the task for the training loop.</summary>
    private protected abstract ITrainingTask<TExample> CreateTrainingTask(long padTokenId);

    /// <summary>The trained transformer around <paramref name="model"/> (which it then owns).</summary>
    private protected abstract TTransformer CreateTransformer(TModel model, int inferenceBatchSize);
}
