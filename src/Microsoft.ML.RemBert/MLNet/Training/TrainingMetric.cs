using System.Globalization;
using Microsoft.ML.RemBert.Trainers;

namespace Microsoft.ML.RemBert.MLNet.Training;

/// <summary>
/// One validation metric a task computes, by the name <see cref="RemBertTrainerOptions.BestModelMetric"/> gives it
/// (ML.NET's metric property names where ML.NET has the metric: <c>MacroAccuracy</c>, <c>LogLoss</c>, <c>RSquared</c>…),
/// and its direction.
/// </summary>
/// <param name="Name">The name options, progress reports and logs use.</param>
/// <param name="HigherIsBetter">Whether a larger value is better (accuracy) or a smaller one (log-loss, RMSE).</param>
internal sealed record TrainingMetric(string Name, bool HigherIsBetter)
{
    /// <summary>Whether <paramref name="candidate"/> beats <paramref name="best"/>; a NaN never does, and anything beats a NaN.</summary>
    public bool IsBetter(double candidate, double best)
    {
        if (double.IsNaN(candidate)) return false;
        if (double.IsNaN(best)) return true;
        return HigherIsBetter ? candidate > best : candidate < best;
    }

    /// <summary>
    /// The metric <paramref name="name"/> of <paramref name="metrics"/> (case-insensitive), or the first one (the task's
    /// default) when <paramref name="name"/> is null. An unknown name is an <see cref="ArgumentException"/> listing the
    /// task's metrics.
    /// </summary>
    public static TrainingMetric Select(IReadOnlyList<TrainingMetric> metrics, string? name)
    {
        if (name is null)
            return metrics[0];
        return metrics.FirstOrDefault(metric => string.Equals(metric.Name, name.Trim(), StringComparison.OrdinalIgnoreCase))
            ?? throw new ArgumentException(
                $"{nameof(RemBertTrainerOptions.BestModelMetric)} is '{name}', which this task does not compute; it must be one of " +
                $"{string.Join(", ", metrics.Select(Describe))}.", nameof(RemBertTrainerOptions.BestModelMetric));
    }

    private static string Describe(TrainingMetric metric) =>
        string.Create(CultureInfo.InvariantCulture, $"{metric.Name} ({(metric.HigherIsBetter ? "higher" : "lower")} is better)");
}
