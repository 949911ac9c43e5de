namespace Microsoft.ML.RemBert.Evaluation;

/// <summary>
/// Precision, recall and F1 of one kind of item (an entity type, a label) from its expected, predicted and correct
/// counts; a zero denominator gives 0 (seqeval's default, scikit-learn's <c>zero_division=0</c>).
/// </summary>
public abstract class PrecisionRecallMetrics
{
    private protected PrecisionRecallMetrics(EntityCounts counts)
    {
        Support = counts.Expected;
        PredictedCount = counts.Predicted;
        CorrectCount = counts.Correct;
        Precision = counts.Precision;
        Recall = counts.Recall;
        F1Score = counts.F1Score;
    }

    /// <summary>Correct / predicted; 0 when none was predicted.</summary>
    public double Precision { get; }

    /// <summary>Correct / expected; 0 when none was expected.</summary>
    public double Recall { get; }

    /// <summary>Harmonic mean of <see cref="Precision"/> and <see cref="Recall"/>; 0 when both are 0.</summary>
    public double F1Score { get; }

    /// <summary>Items expected (in the labels).</summary>
    public long Support { get; }

    /// <summary>Items predicted.</summary>
    public long PredictedCount { get; }

    /// <summary>Items predicted that were expected (true positives).</summary>
    public long CorrectCount { get; }
}
