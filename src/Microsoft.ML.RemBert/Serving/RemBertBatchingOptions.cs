namespace Microsoft.ML.RemBert.Serving;

/// <summary>
/// Settings of a <see cref="RemBertBatchingPredictionEngine{TInput, TOutput}"/>: how many concurrent requests go into
/// one forward pass, how long the first queued request waits for company, and how many may wait at most.
/// </summary>
public sealed class RemBertBatchingOptions
{
    /// <summary>Rows scored in one <c>Transform</c> at most (default 32). The model's <c>InferenceBatchSize</c> bounds one forward pass.</summary>
    public int MaxBatchSize { get; set; } = 32;

    /// <summary>
    /// How long the first queued request waits for others before its batch is scored (default 5 ms). A batch is scored
    /// at once when <see cref="MaxBatchSize"/> requests wait, and without waiting when the first one already waited this
    /// long (e.g. while the previous batch was scored). Zero scores whatever is queued as soon as the loop is free.
    /// The wait is adaptive: once a wait of <see cref="MaxDelay"/> brought no other request, lone requests are scored
    /// at once until requests overlap again (one arrives while another waits or is scored), so a single caller pays
    /// the delay once rather than on every request.
    /// </summary>
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromMilliseconds(5);

    /// <summary>Requests that may wait at once (default 1,024); one more makes <c>PredictAsync</c> throw <see cref="RemBertOverloadedException"/> at once.</summary>
    public int MaxQueueLength { get; set; } = 1024;

    /// <summary>
    /// Called on the engine's loop after each batch is scored, with its size (requests) and how long scoring took;
    /// for metrics (batch-size histograms). It must be quick and must not throw (an exception is ignored).
    /// </summary>
    public Action<int, TimeSpan>? BatchScored { get; set; }

    internal void Validate()
    {
        if (MaxBatchSize < 1)
            throw new ArgumentOutOfRangeException(nameof(MaxBatchSize), MaxBatchSize, $"MaxBatchSize must be at least 1, not {MaxBatchSize}.");
        if (MaxDelay < TimeSpan.Zero || MaxDelay > TimeSpan.FromMinutes(1))
            throw new ArgumentOutOfRangeException(nameof(MaxDelay), MaxDelay, $"MaxDelay must be between 0 and 1 minute, not {MaxDelay}.");
        if (MaxQueueLength < 1)
            throw new ArgumentOutOfRangeException(nameof(MaxQueueLength), MaxQueueLength, $"MaxQueueLength must be at least 1, not {MaxQueueLength}.");
    }
}
