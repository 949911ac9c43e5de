namespace Microsoft.ML.RemBert.Evaluation;

/// <summary>
/// Metrics of multi-label classification (several labels per row, each predicted or not), with scikit-learn's
/// definitions on the binarized rows × labels matrix and its <c>zero_division=0</c> convention: a precision, recall
/// or F1 whose denominator is 0 is 0 (so a label never predicted nor present has F1 0 and lowers the macro average).
/// Scores are fractions in [0, 1].
/// </summary>
public sealed class MultiLabelClassificationMetrics
{
    internal MultiLabelClassificationMetrics(IReadOnlyList<MultiLabelPerLabelMetrics> perLabel, long rows, long exactRows, long wrongCells)
    {
        PerLabel = perLabel;
        RowCount = rows;
        long expected = perLabel.Sum(label => label.Support), predicted = perLabel.Sum(label => label.PredictedCount), correct = perLabel.Sum(label => label.CorrectCount);
        var total = new EntityCounts(expected, predicted, correct);
        MicroPrecision = total.Precision;
        MicroRecall = total.Recall;
        MicroF1 = total.F1Score;
        MacroPrecision = perLabel.Average(label => label.Precision);
        MacroRecall = perLabel.Average(label => label.Recall);
        MacroF1 = perLabel.Average(label => label.F1Score);
        SubsetAccuracy = (double)exactRows / rows;
        HammingLoss = (double)wrongCells / ((double)rows * perLabel.Count);
    }

    /// <summary>Micro-averaged F1 (<c>f1_score(average="micro")</c>): 2·TP / (2·TP + FP + FN) over all labels.</summary>
    public double MicroF1 { get; }

    /// <summary>Micro-averaged precision: TP / (TP + FP) over all labels.</summary>
    public double MicroPrecision { get; }

    /// <summary>Micro-averaged recall: TP / (TP + FN) over all labels.</summary>
    public double MicroRecall { get; }

    /// <summary>Macro-averaged F1 (<c>f1_score(average="macro")</c>): the unweighted mean of <see cref="PerLabel"/>'s F1.</summary>
    public double MacroF1 { get; }

    /// <summary>The unweighted mean of the per-label precisions.</summary>
    public double MacroPrecision { get; }

    /// <summary>The unweighted mean of the per-label recalls.</summary>
    public double MacroRecall { get; }

    /// <summary>Share of rows whose predicted label set equals the expected one exactly (<c>accuracy_score</c> on multi-label data).</summary>
    public double SubsetAccuracy { get; }

    /// <summary>Share of the rows × labels cells predicted wrong (<c>hamming_loss</c>).</summary>
    public double HammingLoss { get; }

    /// <summary>Every label scored: the model's labels (the Score column's slot names) first when given, then any other label met, sorted by ordinal.</summary>
    public IReadOnlyList<MultiLabelPerLabelMetrics> PerLabel { get; }

    /// <summary>Rows evaluated.</summary>
    public long RowCount { get; }
}
