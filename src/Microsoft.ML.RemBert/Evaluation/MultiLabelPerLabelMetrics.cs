namespace Microsoft.ML.RemBert.Evaluation;

/// <summary>
/// One label's precision, recall and F1 in multi-label classification: scikit-learn's
/// <c>precision_recall_fscore_support(y_true, y_pred, average=None, zero_division=0)</c> for that label's column.
/// The counts are rows: <see cref="PrecisionRecallMetrics.Support"/> rows have the label, <see cref="PrecisionRecallMetrics.PredictedCount"/>
/// are predicted with it, <see cref="PrecisionRecallMetrics.CorrectCount"/> both. A label never predicted nor present scores 0 throughout.
/// </summary>
public sealed class MultiLabelPerLabelMetrics : PrecisionRecallMetrics
{
    internal MultiLabelPerLabelMetrics(string label, EntityCounts counts)
        : base(counts) => Label = label;

    /// <summary>The label's name.</summary>
    public string Label { get; }
}
