using Microsoft.ML.RemBert.MLNet.Training;
using Microsoft.ML.Data;
using Microsoft.ML.RemBert.MLNet.Trainers;
using Microsoft.ML.Runtime;

namespace Microsoft.ML.RemBert.Trainers;

/// <summary>
/// Multiclass text classification with RemBERT (<c>mlContext.MulticlassClassification.Trainers.RemBert</c>): a
/// key-typed label; the number of classes is the key's count. Outputs PredictedLabel (key) and Score (probabilities).
/// </summary>
public sealed class RemBertTextClassificationTrainer : RemBertSequenceTrainer<RemBertTextClassificationTransformer>
{
    private readonly RemBertTextClassificationOptions _options;

    internal RemBertTextClassificationTrainer(IHostEnvironment env, RemBertTextClassificationOptions options)
        : base(env, options, nameof(RemBertTextClassificationTrainer)) => _options = options;

    private protected override IReadOnlyList<TrainingMetric> HeadMetrics => MulticlassProblem.MetricList;

    private protected override SequenceProblem CreateHead(IDataView data, string dataName)
    {
        var label = data.Schema.GetColumnOrNull(_options.LabelColumnName)
            ?? throw new ArgumentOutOfRangeException(nameof(_options.LabelColumnName), _options.LabelColumnName,
                $"The {dataName} has no label column '{_options.LabelColumnName}' (LabelColumnName).");
        return MulticlassProblem.ForLabel(label, dataName, _options.PredictionColumnName, _options.ScoreColumnName);
    }

    // Before Fit the label's key count may be unknown (MapValueToKey learns it): PredictedLabel takes the label's key
    // type and Score is a vector of unknown size, with the annotations a head of any class count has.
    private protected override IEnumerable<SchemaShape.Column> OutputShapes(SchemaShape.Column label)
    {
        if (!label.IsKey || label.Kind != SchemaShape.Column.VectorKind.Scalar)
            throw Host.ExceptSchemaMismatch(nameof(label), "label", label.Name, "a key type (e.g. from MapValueToKey)", label.GetTypeString());
        var shapes = ShapesOf(new MulticlassProblem(["a", "b"], _options.PredictionColumnName, _options.ScoreColumnName)).ToDictionary(shape => shape.Name);
        var predicted = shapes[_options.PredictionColumnName];
        var score = shapes[_options.ScoreColumnName];
        return
        [
            new SchemaShape.Column(predicted.Name, SchemaShape.Column.VectorKind.Scalar, label.ItemType, isKey: true, predicted.Annotations),
            new SchemaShape.Column(score.Name, SchemaShape.Column.VectorKind.Vector, NumberDataViewType.Single, isKey: false, score.Annotations),
        ];
    }

    private protected override RemBertTextClassificationTransformer CreateTransformer(SequenceScoringTask task, int inferenceBatchSize)
        => new(Host, task, inferenceBatchSize);
}
