using Microsoft.ML.RemBert.MLNet.Training;
using Microsoft.ML.Data;
using Microsoft.ML.RemBert.MLNet.Trainers;
using Microsoft.ML.Runtime;

namespace Microsoft.ML.RemBert.Trainers;

/// <summary>
/// Regression on a text or text pair with RemBERT (<c>mlContext.Regression.Trainers.RemBert</c>): a Single label
/// (e.g. a similarity), trained with mean squared error. Outputs Score.
/// </summary>
public sealed class RemBertRegressionTrainer : RemBertSequenceTrainer<RemBertRegressionTransformer>
{
    private readonly RemBertRegressionOptions _options;

    internal RemBertRegressionTrainer(IHostEnvironment env, RemBertRegressionOptions options)
        : base(env, options, nameof(RemBertRegressionTrainer)) => _options = options;

    private protected override IReadOnlyList<TrainingMetric> HeadMetrics => RegressionProblem.MetricList;

    private protected override SequenceProblem CreateHead(IDataView data, string dataName) => new RegressionProblem(_options.ScoreColumnName);

    private protected override IEnumerable<SchemaShape.Column> OutputShapes(SchemaShape.Column label)
    {
        if (label.Kind != SchemaShape.Column.VectorKind.Scalar || label.ItemType != NumberDataViewType.Single)
            throw Host.ExceptSchemaMismatch(nameof(label), "label", label.Name, "Single", label.GetTypeString());
        return ShapesOf(new RegressionProblem(_options.ScoreColumnName));
    }

    private protected override RemBertRegressionTransformer CreateTransformer(SequenceScoringTask task, int inferenceBatchSize)
        => new(Host, task, inferenceBatchSize);
}
