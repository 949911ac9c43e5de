using Microsoft.ML.RemBert.MLNet.Scoring;
using Microsoft.ML.RemBert.MLNet.Training;
using Microsoft.ML.RemBert.Modeling;

namespace Microsoft.ML.RemBert.MLNet.Trainers;

/// <summary>
/// The sentence-level tasks' part of <c>Fit</c> (multiclass, binary, regression, multi-label): rows read by
/// <paramref name="encoder"/> with labels read by the head <paramref name="createHead"/> makes from the training data
/// (a multi-label head learns its label set from the rows) and training weights from <paramref name="weightColumnName"/>
/// (the validation metric is unweighted, as ML.NET's evaluators), the head's config (labels, problem type) and loss,
/// and the transformer the trainer builds around a <see cref="SequenceScoringTask"/>.
/// </summary>
internal sealed class SequenceFit<TTransformer>(SequenceEncoder encoder, IReadOnlyList<TrainingMetric> metrics,
    Func<IDataView, string, SequenceProblem> createHead, string labelColumnName, string? weightColumnName,
    Func<SequenceScoringTask, int, TTransformer> createTransformer)
    : TaskFit<SequenceExample, RemBertForSequenceClassification, TTransformer>
{
    // Fixed by the training data (read first), then used for the validation set, the config and the transformer.
    private SequenceProblem? _head;

    private SequenceProblem Head => _head ?? throw new InvalidOperationException("The training data must be read before the head is used.");

    // The head (and so the training task) comes from the training data; its metrics are known before.
    private protected override IReadOnlyList<TrainingMetric>? TaskMetrics => metrics;

    private protected override IReadOnlyList<SequenceExample> ReadTraining(IDataView data, string dataName, CancellationToken cancellationToken)
    {
        _head = createHead(data, dataName);
        return SequenceExample.ReadAll(data, encoder, _head, labelColumnName, weightColumnName, dataName, cancellationToken);
    }

    private protected override IReadOnlyList<SequenceExample> ReadValidation(IDataView data, string dataName, CancellationToken cancellationToken)
        => SequenceExample.ReadAll(data, encoder, Head, labelColumnName, null, dataName, cancellationToken);

    private protected override string Describe(IReadOnlyList<SequenceExample> training, IReadOnlyList<SequenceExample>? validation)
        => $"{Rows(training, "training")}{(validation is null ? "" : $", {Rows(validation, "validation")}")}";

    // "12 training rows", with their window count when long texts are windowed.
    private string Rows(IReadOnlyList<SequenceExample> examples, string what) => encoder.Windowing is null
        ? $"{examples.Count} {what} rows"
        : $"{examples.Count} {what} rows in {examples.Sum(example => example.Windows.Length)} windows";

    private protected override RemBertConfig Configure(RemBertConfig config) => Head.Configure(config);

    private protected override ITrainingTask<SequenceExample> CreateTrainingTask(long padTokenId) => new SequenceTrainingTask(Head, padTokenId);

    private protected override TTransformer CreateTransformer(RemBertForSequenceClassification model, int inferenceBatchSize)
        => createTransformer(new SequenceScoringTask(encoder, model, Head), inferenceBatchSize);
}
