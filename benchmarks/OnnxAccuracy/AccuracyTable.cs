using System.Globalization;

namespace OnnxAccuracy;

/// <summary>The benchmark's output: one markdown row per task (pasted as is into the READMEs).</summary>
internal static class AccuracyTable
{
    /// <summary>The table of <paramref name="measurements"/>.</summary>
    public static string Format(IReadOnlyList<TaskMeasurement> measurements)
    {
        var lines = new List<string>
        {
            "| task (held-out rows) | metric | zip | ORT fp32 | ORT int8 | int8 − zip | int8 agrees with zip | fp32 agrees with zip | int8 abs Δscore max / mean | fp32 abs Δscore max | fp32 export | int8 export |",
            "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
        };
        foreach (var m in measurements)
        {
            lines.Add(string.Create(CultureInfo.InvariantCulture,
                $"| {m.Task} ({m.HeldOutRows}) | {m.MetricName} | {m.ZipMetric:F1} | {m.Fp32.Metric:F1} | {m.Int8.Metric:F1} | {m.Int8.Metric - m.ZipMetric:+0.0;-0.0;0.0} | " +
                $"{Agreement(m.Int8, m)} | {Agreement(m.Fp32, m)} | {m.Int8.MaxScoreDifference:0.0000} / {m.Int8.MeanScoreDifference:0.00000} | {m.Fp32.MaxScoreDifference:0.0e0} | {MiB(m.Fp32.FileBytes)} | {MiB(m.Int8.FileBytes)} |"));
        }
        return string.Join(Environment.NewLine, lines);
    }

    private static string Agreement(ExportResult export, TaskMeasurement m)
        => string.Create(CultureInfo.InvariantCulture, $"{export.Agreeing}/{m.Units} {m.Unit} ({100.0 * export.Agreeing / Math.Max(1, m.Units):F1} %)");

    private static string MiB(long bytes) => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1024.0 / 1024.0:F1} MiB");
}
