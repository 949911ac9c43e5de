namespace Microsoft.ML.RemBert.Evaluation;

/// <summary>
/// Counts multi-label predictions row by row (each row a set of expected and a set of predicted label names) and
/// computes <see cref="MultiLabelClassificationMetrics"/> as scikit-learn does on the binarized label matrix. Not
/// thread-safe: one instance per evaluation.
/// </summary>
internal sealed class MultiLabelEvaluator
{
    private readonly List<string> _declared;
    private readonly Dictionary<string, EntityCounts> _counts = new(StringComparer.Ordinal);
    private long _rows, _exactRows, _wrongCells;

    /// <param name="declaredLabels">Labels to score even when no row has or predicts them (e.g. a model's label set),
    /// listed first in this order; labels met only in rows follow, sorted by ordinal (as MultiLabelBinarizer sorts).</param>
    public MultiLabelEvaluator(IEnumerable<string>? declaredLabels = null)
    {
        _declared = declaredLabels?.Distinct(StringComparer.Ordinal).ToList() ?? [];
        foreach (var label in _declared)
            _counts[label] = default;
    }

    /// <summary>Rows added so far.</summary>
    public long RowCount => _rows;

    /// <summary>Adds one row; a label repeated within a set counts once.</summary>
    public void Add(IEnumerable<string> expected, IEnumerable<string> predicted)
    {
        var truth = new HashSet<string>(expected, StringComparer.Ordinal);
        var guess = new HashSet<string>(predicted, StringComparer.Ordinal);
        int correct = 0;
        foreach (var label in truth)
        {
            bool hit = guess.Contains(label);
            correct += hit ? 1 : 0;
            _counts[label] = _counts.GetValueOrDefault(label) + new EntityCounts(1, 0, hit ? 1 : 0);
        }
        foreach (var label in guess)
            _counts[label] = _counts.GetValueOrDefault(label) + new EntityCounts(0, 1, 0);
        _rows++;
        _exactRows += truth.SetEquals(guess) ? 1 : 0;
        // Cells of the binarized matrix where truth and prediction differ: false negatives plus false positives.
        _wrongCells += truth.Count - correct + guess.Count - correct;
    }

    /// <summary>The metrics of the rows added; <see cref="InvalidOperationException"/> when there is no row or no label at all.</summary>
    public MultiLabelClassificationMetrics GetMetrics()
    {
        if (_rows == 0)
            throw new InvalidOperationException("There are no rows to evaluate.");
        if (_counts.Count == 0)
            throw new InvalidOperationException("No row has or predicts a label and no label set was given: there is nothing to score.");
        var labels = _declared.Concat(_counts.Keys.Except(_declared, StringComparer.Ordinal).Order(StringComparer.Ordinal))
            .Select(label => new MultiLabelPerLabelMetrics(label, _counts[label])).ToArray();
        return new MultiLabelClassificationMetrics(labels, _rows, _exactRows, _wrongCells);
    }
}
