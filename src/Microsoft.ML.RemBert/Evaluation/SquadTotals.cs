namespace Microsoft.ML.RemBert.Evaluation;

/// <summary>Sums of per-question scores and the question count, reported as the script's percentages.</summary>
internal readonly record struct SquadTotals(double ExactMatchSum, double F1Sum, long Count)
{
    public SquadTotals Add(double exactMatch, double f1) => new(ExactMatchSum + exactMatch, F1Sum + f1, Count + 1);

    public double ExactMatchPercent => Count == 0 ? double.NaN : 100.0 * ExactMatchSum / Count;

    public double F1Percent => Count == 0 ? double.NaN : 100.0 * F1Sum / Count;

    public static SquadTotals operator +(SquadTotals a, SquadTotals b)
        => new(a.ExactMatchSum + b.ExactMatchSum, a.F1Sum + b.F1Sum, a.Count + b.Count);
}
