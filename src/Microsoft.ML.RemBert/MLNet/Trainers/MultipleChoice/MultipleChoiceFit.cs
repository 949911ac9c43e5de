using Microsoft.ML.RemBert.MLNet.Training;
using Microsoft.ML.RemBert.Modeling;
using Microsoft.ML.RemBert.Trainers;
using Microsoft.ML.Runtime;

namespace Microsoft.ML.RemBert.MLNet.Trainers.MultipleChoice;

/// <summary>
/// Multiple choice's part of <c>Fit</c>: rows read into one encoding per choice, the training data fixing the choice
/// count (a validation set must have the same) and the label's class order (kept for the transformer's outputs), the
/// training rows' weights (the validation accuracy is unweighted),
/// cross entropy over the choices (validation: accuracy), and the transformer that picks a choice. The config is the
/// checkpoint's: the head scores each (prompt, choice) encoding, so the config's label count plays no part.
/// </summary>
internal sealed class MultipleChoiceFit(RemBertMultipleChoiceOptions options, MultipleChoiceEncoder encoder, IHostEnvironment env)
    : TaskFit<MultipleChoiceExample, RemBertForMultipleChoice, RemBertMultipleChoiceTransformer>
{
    // The training data's class order (and so its choice count), read first: the validation set and the transformer follow it.
    private int[]? _choiceOfClass;

    private int[] ChoiceOfClass => _choiceOfClass ?? throw new InvalidOperationException("The training data has not been read yet.");

    private protected override IReadOnlyList<MultipleChoiceExample> ReadTraining(IDataView data, string dataName, CancellationToken cancellationToken)
    {
        var training = MultipleChoiceExample.ReadAll(data, encoder, options.LabelColumnName, options.ExampleWeightColumnName, dataName, null, cancellationToken);
        _choiceOfClass = training.ChoiceOfClass;
        return training.Examples;
    }

    private protected override IReadOnlyList<MultipleChoiceExample> ReadValidation(IDataView data, string dataName, CancellationToken cancellationToken)
        => MultipleChoiceExample.ReadAll(data, encoder, options.LabelColumnName, null, dataName, ChoiceOfClass.Length, cancellationToken).Examples;

    private protected override string Describe(IReadOnlyList<MultipleChoiceExample> training, IReadOnlyList<MultipleChoiceExample>? validation)
        => $"{training.Count} training rows of {ChoiceOfClass.Length} choices{(validation is null ? "" : $", {validation.Count} validation rows")}";

    private protected override ITrainingTask<MultipleChoiceExample> CreateTrainingTask(long padTokenId) => new MultipleChoiceTrainingTask(padTokenId);

    private protected override RemBertMultipleChoiceTransformer CreateTransformer(RemBertForMultipleChoice model, int inferenceBatchSize)
    {
        var classes = new ChoiceClasses(ChoiceOfClass, options.PredictedLabelColumnName, options.ScoreColumnName);
        return new(env, new MultipleChoiceScoringTask(encoder, model, classes), inferenceBatchSize);
    }
}
