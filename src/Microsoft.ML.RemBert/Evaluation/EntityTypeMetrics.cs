namespace Microsoft.ML.RemBert.Evaluation;

/// <summary>
/// Entity-level scores of one entity type (one row of seqeval's classification report): an entity is correct when a
/// predicted entity of this type has exactly its span; <see cref="PrecisionRecallMetrics.Support"/> counts the
/// entities of this type in the labels.
/// </summary>
public sealed class EntityTypeMetrics : PrecisionRecallMetrics
{
    internal EntityTypeMetrics(string entityType, EntityCounts counts)
        : base(counts) => EntityType = entityType;

    /// <summary>The type, e.g. <c>PER</c> (<c>_</c> for bare B/I tags).</summary>
    public string EntityType { get; }
}
