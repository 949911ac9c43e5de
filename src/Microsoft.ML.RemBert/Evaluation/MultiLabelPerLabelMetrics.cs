namespace Microsoft.ML.RemBert.Evaluation;

/// <summary>
/// One label's precision, recall and F1 in multi-label classification: scikit-learn's
/// <c>precision_recall_fscore_support(y_true, y_pred, average=None, zero_division=0)</c> for that label's column.
/// </summary>
public sealed class MultiLabelPerLabelMetrics
{
    internal MultiLabelPerLabelMetrics(string label, EntityCounts counts)
    {
        Label = label;
        Support = counts.Expected;
        PredictedCount = counts.Predicted;
        CorrectCount = counts.Correct;
        Precision = counts.Precision;
        Recall = counts.Recall;
        F1Score = counts.F1Score;
    }

    /// <summary>The label's name.</summary>
    public string Label { get; }

    /// <summary>Rows predicted with the label that have it / rows predicted with it; 0 when no row is predicted with it (zero_division=0).</summary>
    public double Precision { get; }

    /// <summary>Rows having the label that are predicted with it / rows having it; 0 when no row has it (zero_division=0).</summary>
    public double Recall { get; }

    /// <summary>Harmonic mean of <see cref="Precision"/> and <see cref="Recall"/>; 0 when both are 0 (a label never predicted nor present scores 0).</summary>
    public double F1Score { get; }

    /// <summary>Rows having the label.</summary>
    public long Support { get; }

    /// <summary>Rows predicted with the label.</summary>
    public long PredictedCount { get; }

    /// <summary>Rows having the label and predicted with it (true positives).</summary>
    public long CorrectCount { get; }
}
