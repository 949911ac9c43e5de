using System.Globalization;
using System.Text;

namespace PyTorchReference;

/// <summary>The table the benchmark prints: per task, ours per seed and mean, the reference per seed and min-max, the verdict.</summary>
internal static class ComparisonTable
{
    public static string Format(IEnumerable<BenchmarkTask> tasks, ResultStore store)
    {
        var text = new StringBuilder();
        text.AppendLine("| task | metric | ours (per seed) | ours mean | reference (per seed) | reference min-max | verdict |");
        text.AppendLine("| --- | --- | --- | --- | --- | --- | --- |");
        foreach (var task in tasks)
        {
            var ours = store.Get(task.Name, "ours");
            var reference = store.Get(task.Name, "reference");
            if (ours.Count == 0 && reference.Count == 0)
                continue;
            string verdict = ours.Count == 0 || reference.Count < 2 ? "incomplete"
                : Verdict(ours.Values.Average(), reference.Values.Min(), reference.Values.Max());
            text.AppendLine($"| {task.Name} | {task.MetricName} | {PerSeed(ours)} | {(ours.Count == 0 ? "-" : F(ours.Values.Average()))} | " +
                            $"{PerSeed(reference)} | {(reference.Count == 0 ? "-" : $"{F(reference.Values.Min())} - {F(reference.Values.Max())}")} | {verdict} |");
        }
        return text.ToString();
    }

    /// <summary>"within" when <paramref name="mean"/> lies in [min, max], else how far outside and on which side.</summary>
    public static string Verdict(double mean, double min, double max)
        => mean < min ? $"OUTSIDE (below by {F(min - mean)})" : mean > max ? $"OUTSIDE (above by {F(mean - max)})" : "within";

    private static string PerSeed(IReadOnlyDictionary<int, double> metrics)
        => metrics.Count == 0 ? "-" : string.Join(", ", metrics.Select(pair => $"{pair.Key}: {F(pair.Value)}"));

    private static string F(double value) => value.ToString(value > 1.5 ? "F1" : "F3", CultureInfo.InvariantCulture);
}
