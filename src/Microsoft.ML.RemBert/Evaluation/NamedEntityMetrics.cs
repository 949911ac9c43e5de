using System.Globalization;
using System.Text;

namespace Microsoft.ML.RemBert.Evaluation;

/// <summary>
/// Entity-level precision, recall and F1 of named-entity recognition, counted as seqeval counts them in its
/// default mode (conlleval-compatible chunking, see <see cref="EntityChunker"/>): an entity is correct only when
/// a predicted entity has exactly its type, first word and last word. Scores are fractions in [0, 1].
/// </summary>
/// <remarks>
/// <see cref="Precision"/>, <see cref="Recall"/> and <see cref="F1Score"/> are micro averages (seqeval's
/// <c>f1_score(y_true, y_pred)</c>); the macro and weighted averages are over <see cref="PerEntityType"/>, which
/// lists every type found in the labels or the predictions, sorted by code point as seqeval sorts them.
/// </remarks>
public sealed class NamedEntityMetrics
{
    internal NamedEntityMetrics(IReadOnlyDictionary<string, EntityCounts> byType, long sentences, long words, long equalTags)
    {
        PerEntityType = byType.OrderBy(pair => pair.Key, CodePointComparer.Instance)
            .Select(pair => new EntityTypeMetrics(pair.Key, pair.Value)).ToArray();
        var total = byType.Values.Aggregate(default(EntityCounts), (sum, counts) => sum + counts);
        SentenceCount = sentences;
        Support = total.Expected;
        PredictedCount = total.Predicted;
        CorrectCount = total.Correct;
        Precision = total.Precision;
        Recall = total.Recall;
        F1Score = total.F1Score;
        TokenAccuracy = words == 0 ? double.NaN : (double)equalTags / words;
        // numpy's mean of an empty array: seqeval's macro average when no sentence has any entity.
        MacroPrecision = PerEntityType.Count == 0 ? double.NaN : PerEntityType.Average(t => t.Precision);
        MacroRecall = PerEntityType.Count == 0 ? double.NaN : PerEntityType.Average(t => t.Recall);
        MacroF1Score = PerEntityType.Count == 0 ? double.NaN : PerEntityType.Average(t => t.F1Score);
        // seqeval gives 0 when no label has an entity (its zero_division default), whatever was predicted.
        WeightedPrecision = WeightedBySupport(t => t.Precision);
        WeightedRecall = WeightedBySupport(t => t.Recall);
        WeightedF1Score = WeightedBySupport(t => t.F1Score);
    }

    /// <summary>Micro-averaged precision: correct / predicted entities over all types.</summary>
    public double Precision { get; }

    /// <summary>Micro-averaged recall: correct / expected entities over all types.</summary>
    public double Recall { get; }

    /// <summary>Micro-averaged F1, seqeval's <c>f1_score</c> default.</summary>
    public double F1Score { get; }

    /// <summary>Unweighted mean of the per-type precisions; NaN when there is no entity at all.</summary>
    public double MacroPrecision { get; }

    /// <summary>Unweighted mean of the per-type recalls; NaN when there is no entity at all.</summary>
    public double MacroRecall { get; }

    /// <summary>Unweighted mean of the per-type F1 scores; NaN when there is no entity at all.</summary>
    public double MacroF1Score { get; }

    /// <summary>Mean of the per-type precisions weighted by support; 0 when the labels have no entity.</summary>
    public double WeightedPrecision { get; }

    /// <summary>Mean of the per-type recalls weighted by support; 0 when the labels have no entity.</summary>
    public double WeightedRecall { get; }

    /// <summary>Mean of the per-type F1 scores weighted by support; 0 when the labels have no entity.</summary>
    public double WeightedF1Score { get; }

    /// <summary>Fraction of words whose predicted tag equals the label (seqeval's <c>accuracy_score</c>); NaN without words.</summary>
    public double TokenAccuracy { get; }

    /// <summary>Entities in the labels.</summary>
    public long Support { get; }

    /// <summary>Entities in the predictions.</summary>
    public long PredictedCount { get; }

    /// <summary>Predicted entities that match a labelled one exactly (type and span).</summary>
    public long CorrectCount { get; }

    /// <summary>Sentences (rows) evaluated.</summary>
    public long SentenceCount { get; }

    /// <summary>Scores of each entity type found in the labels or the predictions, sorted by type.</summary>
    public IReadOnlyList<EntityTypeMetrics> PerEntityType { get; }

    /// <summary>
    /// The text of seqeval's <c>classification_report(y_true, y_pred, digits)</c>: one row per type, then the
    /// micro, macro and weighted averages, laid out and rounded as seqeval prints them.
    /// </summary>
    /// <param name="digits">Digits after the decimal point.</param>
    public string ToReport(int digits = 2)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(digits);
        var width = Math.Max(digits, PerEntityType.Select(t => CodePointLength(t.EntityType)).Append("weighted avg".Length).Max());
        var report = new StringBuilder();
        report.Append(Pad("", width)).Append(' ');
        foreach (var header in new[] { "precision", "recall", "f1-score", "support" })
            report.Append(' ').Append(Pad(header, 9));
        report.Append("\n\n");
        void Row(string name, double p, double r, double f, long support)
        {
            report.Append(Pad(name, width)).Append(' ');
            foreach (var value in new[] { p, r, f })
                report.Append(' ').Append(Pad(PythonFixedPoint.Format(value, digits), 9));
            report.Append(' ').Append(Pad(support.ToString(CultureInfo.InvariantCulture), 9)).Append('\n');
        }
        foreach (var type in PerEntityType)
            Row(type.EntityType, type.Precision, type.Recall, type.F1Score, type.Support);
        report.Append('\n');
        Row("micro avg", Precision, Recall, F1Score, Support);
        Row("macro avg", MacroPrecision, MacroRecall, MacroF1Score, Support);
        Row("weighted avg", WeightedPrecision, WeightedRecall, WeightedF1Score, Support);
        return report.ToString();
    }

    /// <inheritdoc cref="ToReport"/>
    public override string ToString() => ToReport();

    private double WeightedBySupport(Func<EntityTypeMetrics, double> score)
        => Support == 0 ? 0 : PerEntityType.Sum(t => score(t) * t.Support) / Support;

    // Python pads by code points, not UTF-16 units.
    private static string Pad(string text, int width) => new string(' ', Math.Max(0, width - CodePointLength(text))) + text;

    private static int CodePointLength(string text) => text.EnumerateRunes().Count();
}
