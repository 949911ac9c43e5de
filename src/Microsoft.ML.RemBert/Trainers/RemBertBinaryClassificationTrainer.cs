using Microsoft.ML.RemBert.MLNet.Training;
using Microsoft.ML.Data;
using Microsoft.ML.RemBert.MLNet.Trainers;
using Microsoft.ML.Runtime;

namespace Microsoft.ML.RemBert.Trainers;

/// <summary>
/// Binary text classification with RemBERT (<c>mlContext.BinaryClassification.Trainers.RemBert</c>): a Boolean label.
/// Outputs Score (log-odds), Probability and PredictedLabel.
/// </summary>
public sealed class RemBertBinaryClassificationTrainer : RemBertSequenceTrainer<RemBertBinaryClassificationTransformer>
{
    private readonly RemBertBinaryClassificationOptions _options;

    internal RemBertBinaryClassificationTrainer(IHostEnvironment env, RemBertBinaryClassificationOptions options)
        : base(env, options, nameof(RemBertBinaryClassificationTrainer)) => _options = options;

    private protected override IReadOnlyList<TrainingMetric> HeadMetrics => BinaryProblem.MetricList;

    private protected override SequenceProblem CreateHead(IDataView data, string dataName) => CreateHead();

    private protected override IEnumerable<SchemaShape.Column> OutputShapes(SchemaShape.Column label)
    {
        if (label.Kind != SchemaShape.Column.VectorKind.Scalar || label.ItemType is not BooleanDataViewType)
            throw Host.ExceptSchemaMismatch(nameof(label), "label", label.Name, "Boolean", label.GetTypeString());
        return ShapesOf(CreateHead());
    }

    private protected override RemBertBinaryClassificationTransformer CreateTransformer(SequenceScoringTask task, int inferenceBatchSize)
        => new(Host, task, inferenceBatchSize);

    private BinaryProblem CreateHead() => new(_options.ScoreColumnName, _options.ProbabilityColumnName, _options.PredictionColumnName);
}
