namespace Microsoft.ML.RemBert.MLNet.Training;

/// <summary>
/// transformers' <c>get_linear_schedule_with_warmup</c>: the learning rate rises linearly from 0 over the warm-up
/// steps (<c>ceil(WarmupRatio × total)</c>), then falls linearly to 0 at the last step.
/// </summary>
internal sealed class LinearWarmupSchedule(double peakLearningRate, int totalSteps, double warmupRatio)
{
    /// <summary>Steps of rising learning rate.</summary>
    public int WarmupSteps { get; } = (int)Math.Ceiling(warmupRatio * totalSteps);

    /// <summary>The learning rate of optimizer step <paramref name="step"/> (0-based).</summary>
    public double LearningRate(int step)
    {
        double factor = step < WarmupSteps
            ? (double)step / Math.Max(1, WarmupSteps)
            : Math.Max(0.0, (double)(totalSteps - step) / Math.Max(1, totalSteps - WarmupSteps));
        return peakLearningRate * factor;
    }
}
