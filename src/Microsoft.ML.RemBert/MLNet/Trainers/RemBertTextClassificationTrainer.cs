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

    private protected override SequenceHead CreateHead(DataViewSchema schema, string dataName)
    {
        var label = schema.GetColumnOrNull(_options.LabelColumnName)
            ?? throw new ArgumentOutOfRangeException(nameof(_options.LabelColumnName), _options.LabelColumnName,
                $"The {dataName} has no label column '{_options.LabelColumnName}' (LabelColumnName).");
        return MulticlassHead.ForLabel(label, dataName, _options.PredictionColumnName, _options.ScoreColumnName);
    }

    private protected override SequenceHead CreateHead(SchemaShape.Column label)
    {
        if (!label.IsKey || label.Kind != SchemaShape.Column.VectorKind.Scalar || label.ItemType is not KeyDataViewType key || key.Count is 0 or > int.MaxValue)
            throw Host.ExceptSchemaMismatch(nameof(label), "label", label.Name, "a key type with a known count", label.GetTypeString());
        var names = Enumerable.Range(1, (int)key.Count).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        return new MulticlassHead(names, _options.PredictionColumnName, _options.ScoreColumnName);
    }

    private protected override RemBertTextClassificationTransformer CreateTransformer(SequenceScoringTask task, int inferenceBatchSize)
        => new(Host, task, inferenceBatchSize);
}
