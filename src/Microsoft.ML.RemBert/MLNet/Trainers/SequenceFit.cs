using Microsoft.ML.RemBert.MLNet.Scoring;
using Microsoft.ML.RemBert.MLNet.Training;
using Microsoft.ML.RemBert.Modeling;

namespace Microsoft.ML.RemBert.MLNet.Trainers;

/// <summary>
/// The sentence-level tasks' part of <c>Fit</c> (multiclass, binary, regression): rows read by <paramref name="encoder"/>
/// with labels read by <paramref name="head"/>, the head's config (labels, problem type) and loss, and the transformer
/// the trainer builds around a <see cref="SequenceScoringTask"/>.
/// </summary>
internal sealed class SequenceFit<TTransformer>(SequenceEncoder encoder, SequenceHead head, string labelColumnName,
    Func<SequenceScoringTask, int, TTransformer> createTransformer)
    : TaskFit<SequenceExample, RemBertForSequenceClassification, TTransformer>
{
    private protected override IReadOnlyList<SequenceExample> ReadTraining(IDataView data, string dataName, CancellationToken cancellationToken)
        => SequenceExample.ReadAll(data, encoder, head, labelColumnName, dataName, cancellationToken);

    private protected override string Describe(IReadOnlyList<SequenceExample> training, IReadOnlyList<SequenceExample>? validation)
        => $"{training.Count} training rows{(validation is null ? "" : $", {validation.Count} validation rows")}";

    private protected override RemBertConfig Configure(RemBertConfig config) => head.Configure(config);

    private protected override ITrainingTask<SequenceExample> CreateTrainingTask(long padTokenId) => new SequenceTrainingTask(head, padTokenId);

    private protected override TTransformer CreateTransformer(RemBertForSequenceClassification model, int inferenceBatchSize)
        => createTransformer(new SequenceScoringTask(encoder, model, head), inferenceBatchSize);
}
