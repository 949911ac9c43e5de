using Microsoft.ML.RemBert.MLNet.Scoring;
using Microsoft.ML.RemBert.MLNet.Training;
using Microsoft.ML.RemBert.Modeling;

namespace Microsoft.ML.RemBert.MLNet.Trainers;

/// <summary>
/// The sentence-level tasks' part of <c>Fit</c> (multiclass, binary, regression): rows read by <paramref name="encoder"/>
/// with labels read by <paramref name="head"/> and training weights from <paramref name="weightColumnName"/> (the
/// validation metric is unweighted, as ML.NET's evaluators), the head's config (labels, problem type) and loss, and
/// the transformer the trainer builds around a <see cref="SequenceScoringTask"/>.
/// </summary>
internal sealed class SequenceFit<TTransformer>(SequenceEncoder encoder, SequenceHead head, string labelColumnName, string? weightColumnName,
    Func<SequenceScoringTask, int, TTransformer> createTransformer)
    : TaskFit<SequenceExample, RemBertForSequenceClassification, TTransformer>
{
    private protected override IReadOnlyList<SequenceExample> ReadTraining(IDataView data, string dataName, CancellationToken cancellationToken)
        => SequenceExample.ReadAll(data, encoder, head, labelColumnName, weightColumnName, dataName, cancellationToken);

    private protected override IReadOnlyList<SequenceExample> ReadValidation(IDataView data, string dataName, CancellationToken cancellationToken)
        => SequenceExample.ReadAll(data, encoder, head, labelColumnName, null, dataName, cancellationToken);

    private protected override string Describe(IReadOnlyList<SequenceExample> training, IReadOnlyList<SequenceExample>? validation)
        => $"{Rows(training, "training")}{(validation is null ? "" : $", {Rows(validation, "validation")}")}";

    // "12 training rows", with their window count when long texts are windowed.
    private string Rows(IReadOnlyList<SequenceExample> examples, string what) => encoder.Windowing is null
        ? $"{examples.Count} {what} rows"
        : $"{examples.Count} {what} rows in {examples.Sum(example => example.Windows.Length)} windows";

    private protected override RemBertConfig Configure(RemBertConfig config) => head.Configure(config);

    private protected override ITrainingTask<SequenceExample> CreateTrainingTask(long padTokenId) => new SequenceTrainingTask(head, padTokenId);

    private protected override TTransformer CreateTransformer(RemBertForSequenceClassification model, int inferenceBatchSize)
        => createTransformer(new SequenceScoringTask(encoder, model, head), inferenceBatchSize);
}
