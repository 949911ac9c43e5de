using System.Globalization;
using System.Text;

namespace DefaultModelGain;

/// <summary>The two starts each seed is trained from.</summary>
internal static class Sides
{
    /// <summary>The start checkpoint's weights.</summary>
    public const string Pretrained = "pretrained";

    /// <summary>Random weights of the start checkpoint's config, with its tokenizer (<see cref="RandomStart"/>).</summary>
    public const string Random = "random";
}

/// <summary>One finished run: a task's held-out metric for one seed and one side.</summary>
/// <param name="Key">The task's name on the command line.</param>
/// <param name="Task">The task's name in the tables.</param>
/// <param name="Metric">The metric's name.</param>
/// <param name="Decimals">Decimals the metric is shown with.</param>
/// <param name="Start">The start checkpoint's directory (the embedded default model's extracted one by default).</param>
/// <param name="Epochs">The epochs override both sides ran with; null: the sample's recipe.</param>
/// <param name="Seed">The run's seed.</param>
/// <param name="Side"><see cref="Sides.Pretrained"/> or <see cref="Sides.Random"/>.</param>
/// <param name="Value">The held-out metric.</param>
/// <param name="WallSeconds">The run's wall time (child process: loading, the random checkpoint, training, evaluation).</param>
/// <param name="CpuSeconds">The child process's CPU time (user + system, all threads): less sensitive to the machine's load than wall time.</param>
/// <param name="Load">The 1/5/15-minute load averages when the run ended.</param>
internal sealed record RunResult(string Key, string Task, string Metric, int Decimals, string Start, int? Epochs, int Seed, string Side,
    double Value, double WallSeconds, double CpuSeconds, string Load);

/// <summary>
/// The benchmark's markdown tables: every seed's pair, then per task the means over the seeds whose two runs both
/// finished (a paired comparison: a seed with one side missing counts on neither).
/// </summary>
internal static class GainTable
{
    /// <summary>One row per task and seed: both sides' metric, the gain, wall times and the load after the random run.</summary>
    public static string PerSeed(IReadOnlyList<RunResult> runs)
    {
        var text = new StringBuilder();
        text.AppendLine("| task | metric | seed | pretrained | random weights | gain | wall time pretrained / random | CPU time pretrained / random | load after (1/5/15 min) |");
        text.AppendLine("| --- | --- | --- | --- | --- | --- | --- | --- | --- |");
        foreach (var group in runs.GroupBy(run => (run.Task, run.Seed)))
        {
            var first = group.First();
            var pretrained = group.FirstOrDefault(run => run.Side == Sides.Pretrained);
            var random = group.FirstOrDefault(run => run.Side == Sides.Random);
            string gain = pretrained is null || random is null ? "-" : Signed(pretrained.Value - random.Value, first.Decimals);
            text.AppendLine($"| {first.Task} | {first.Metric} | {first.Seed} | {Value(pretrained)} | {Value(random)} | {gain} | " +
                            $"{Seconds(pretrained?.WallSeconds)} / {Seconds(random?.WallSeconds)} | {Seconds(pretrained?.CpuSeconds)} / {Seconds(random?.CpuSeconds)} | " +
                            $"{(random ?? pretrained)!.Load} |");
        }
        return text.ToString();
    }

    /// <summary>One row per task: each side's mean and min..max over the paired seeds, the mean gain and the per-seed gains' range.</summary>
    public static string Means(IReadOnlyList<RunResult> runs)
    {
        var text = new StringBuilder();
        text.AppendLine("| task | metric | seeds | pretrained mean | pretrained min..max | random mean | random min..max | gain (mean) | gain min..max |");
        text.AppendLine("| --- | --- | --- | --- | --- | --- | --- | --- | --- |");
        foreach (var task in runs.GroupBy(run => run.Task))
        {
            var first = task.First();
            var pairs = task.GroupBy(run => run.Seed)
                .Select(seed => (Pretrained: seed.FirstOrDefault(run => run.Side == Sides.Pretrained), Random: seed.FirstOrDefault(run => run.Side == Sides.Random)))
                .Where(pair => pair.Pretrained is not null && pair.Random is not null)
                .Select(pair => (Pretrained: pair.Pretrained!.Value, Random: pair.Random!.Value))
                .ToList();
            if (pairs.Count == 0)
            {
                text.AppendLine($"| {first.Task} | {first.Metric} | 0 | - | - | - | - | - | - |");
                continue;
            }
            int d = first.Decimals;
            var pretrained = pairs.Select(pair => pair.Pretrained).ToList();
            var random = pairs.Select(pair => pair.Random).ToList();
            var gains = pairs.Select(pair => pair.Pretrained - pair.Random).ToList();
            text.AppendLine($"| {first.Task} | {first.Metric} | {pairs.Count} | {F(pretrained.Average(), d)} | {Range(pretrained, d)} | " +
                            $"{F(random.Average(), d)} | {Range(random, d)} | {Signed(gains.Average(), d)} | {Signed(gains.Min(), d)}..{Signed(gains.Max(), d)} |");
        }
        return text.ToString();
    }

    private static string Value(RunResult? run) => run is null ? "missing" : F(run.Value, run.Decimals);

    private static string Seconds(double? seconds) => seconds is null ? "-" : string.Create(CultureInfo.InvariantCulture, $"{seconds:F0} s");

    private static string Range(IReadOnlyList<double> values, int decimals) => $"{F(values.Min(), decimals)}..{F(values.Max(), decimals)}";

    private static string F(double value, int decimals) => value.ToString("F" + decimals, CultureInfo.InvariantCulture);

    private static string Signed(double value, int decimals) => (value >= 0 ? "+" : "") + F(value, decimals);
}
