namespace Microsoft.ML.RemBert.Evaluation;

/// <summary>
/// Accumulates sentences (expected and predicted tags) and gives seqeval's default-mode entity-level metrics.
/// Sentences are independent: an entity never crosses from one to the next. Not thread-safe.
/// </summary>
/// <example>
/// <code>
/// var evaluator = new NamedEntityEvaluator();
/// evaluator.Add(["B-PER", "I-PER", "O"], ["B-PER", "I-PER", "O"]);
/// NamedEntityMetrics metrics = evaluator.GetMetrics();
/// </code>
/// </example>
public sealed class NamedEntityEvaluator
{
    private readonly Dictionary<string, EntityCounts> _byType = new(StringComparer.Ordinal);
    private long _words;
    private long _equalTags;
    private long _sentences;

    /// <summary>Adds one sentence.</summary>
    /// <param name="expectedTags">The labels, one tag per word.</param>
    /// <param name="predictedTags">The predictions, one tag per word.</param>
    /// <exception cref="ArgumentException">The two sequences differ in length.</exception>
    /// <exception cref="FormatException">A tag has no known prefix (see <see cref="EntityChunker"/>).</exception>
    public void Add(IReadOnlyList<string> expectedTags, IReadOnlyList<string> predictedTags)
    {
        ArgumentNullException.ThrowIfNull(expectedTags);
        ArgumentNullException.ThrowIfNull(predictedTags);
        if (expectedTags.Count != predictedTags.Count)
            throw new ArgumentException(
                $"{expectedTags.Count} expected tags but {predictedTags.Count} predicted tags: both need one tag per word.",
                nameof(predictedTags));
        Add(expectedTags, predictedTags, EntityChunker.GetEntities(expectedTags), EntityChunker.GetEntities(predictedTags));
    }

    /// <summary>Adds one sentence already chunked (by a caller that reports chunking errors with more context).</summary>
    internal void Add(IReadOnlyList<string> expectedTags, IReadOnlyList<string> predictedTags,
        IReadOnlyList<NamedEntity> expected, IReadOnlyList<NamedEntity> predicted)
    {
        // Entities of one sentence never overlap, so a set of spans is exactly seqeval's set of (type, start, end).
        var expectedSet = new HashSet<NamedEntity>(expected);
        foreach (var entity in expected)
            Count(entity.Type, new EntityCounts(1, 0, 0));
        foreach (var entity in predicted)
            Count(entity.Type, new EntityCounts(0, 1, expectedSet.Contains(entity) ? 1 : 0));
        for (var i = 0; i < expectedTags.Count; i++)
            if (string.Equals(expectedTags[i], predictedTags[i], StringComparison.Ordinal))
                _equalTags++;
        _words += expectedTags.Count;
        _sentences++;
    }

    /// <summary>The metrics of every sentence added so far.</summary>
    public NamedEntityMetrics GetMetrics() => new(_byType, _sentences, _words, _equalTags);

    private void Count(string type, EntityCounts counts)
        => _byType[type] = _byType.GetValueOrDefault(type) + counts;
}
