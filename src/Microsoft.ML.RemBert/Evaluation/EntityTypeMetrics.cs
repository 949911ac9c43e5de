namespace Microsoft.ML.RemBert.Evaluation;

/// <summary>Entity-level scores of one entity type (one row of seqeval's classification report).</summary>
public sealed class EntityTypeMetrics
{
    internal EntityTypeMetrics(string entityType, EntityCounts counts)
    {
        EntityType = entityType;
        Support = counts.Expected;
        PredictedCount = counts.Predicted;
        CorrectCount = counts.Correct;
        Precision = counts.Precision;
        Recall = counts.Recall;
        F1Score = counts.F1Score;
    }

    /// <summary>The type, e.g. <c>PER</c> (<c>_</c> for bare B/I tags).</summary>
    public string EntityType { get; }

    /// <summary>Correct / predicted entities of this type; 0 when none was predicted (seqeval's default).</summary>
    public double Precision { get; }

    /// <summary>Correct / expected entities of this type; 0 when the labels have none.</summary>
    public double Recall { get; }

    /// <summary>Harmonic mean of <see cref="Precision"/> and <see cref="Recall"/>; 0 when both are 0.</summary>
    public double F1Score { get; }

    /// <summary>Entities of this type in the labels.</summary>
    public long Support { get; }

    /// <summary>Entities of this type in the predictions.</summary>
    public long PredictedCount { get; }

    /// <summary>Predicted entities of this type with exactly the span of a labelled one.</summary>
    public long CorrectCount { get; }
}
