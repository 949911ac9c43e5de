using Microsoft.ML.RemBert.MLNet.Training;
using Microsoft.ML.Data;
using Microsoft.ML.RemBert.MLNet.Trainers;
using Microsoft.ML.Runtime;

namespace Microsoft.ML.RemBert.Trainers;

/// <summary>
/// Multi-label text classification with RemBERT (<c>mlContext.MulticlassClassification.Trainers.RemBertMultiLabel</c>):
/// each row has a set of labels (a vector of text or of keys); one sigmoid per label, binary cross entropy (transformers'
/// <c>multi_label_classification</c>). Outputs Score (a probability per label) and PredictedLabels (the labels over the threshold).
/// </summary>
public sealed class RemBertMultiLabelTrainer : RemBertSequenceTrainer<RemBertMultiLabelTransformer>
{
    private readonly RemBertMultiLabelOptions _options;

    internal RemBertMultiLabelTrainer(IHostEnvironment env, RemBertMultiLabelOptions options)
        : base(env, options, nameof(RemBertMultiLabelTrainer)) => _options = options;

    private protected override IReadOnlyList<TrainingMetric> HeadMetrics => MultiLabelProblem.MetricList;

    private protected override SequenceProblem CreateHead(IDataView data, string dataName)
        => MultiLabelProblem.ForLabel(data, _options.LabelColumnName, dataName, _options.Threshold, _options.ScoreColumnName, _options.PredictedLabelsColumnName);

    // Before Fit the label set is unknown (it comes from the rows): Score is a vector of unknown size with slot names.
    private protected override IEnumerable<SchemaShape.Column> OutputShapes(SchemaShape.Column label)
    {
        if (label.Kind == SchemaShape.Column.VectorKind.Scalar || !(label.ItemType is TextDataViewType || label.IsKey))
            throw Host.ExceptSchemaMismatch(nameof(label), "label", label.Name, "a vector of text or a vector of keys", label.GetTypeString());
        var shapes = ShapesOf(new MultiLabelProblem(["a"], _options.Threshold, _options.ScoreColumnName, _options.PredictedLabelsColumnName)).ToDictionary(shape => shape.Name);
        var score = shapes[_options.ScoreColumnName];
        return
        [
            new SchemaShape.Column(score.Name, SchemaShape.Column.VectorKind.Vector, NumberDataViewType.Single, isKey: false, score.Annotations),
            shapes[_options.PredictedLabelsColumnName],
        ];
    }

    private protected override RemBertMultiLabelTransformer CreateTransformer(SequenceScoringTask task, int inferenceBatchSize)
        => new(Host, task, inferenceBatchSize);
}
