namespace Microsoft.ML.RemBert.Serving;

/// <summary>
/// Settings of a <see cref="RemBertBatchingPredictionEngine{TInput, TOutput}"/>: how many concurrent requests go into
/// one forward pass, how long the first queued request waits for company, how many may wait at most, and how many
/// batches are scored at once.
/// </summary>
public sealed class RemBertBatchingOptions
{
    /// <summary>Rows scored in one <c>Transform</c> at most (default 32). The model's <c>InferenceBatchSize</c> bounds one forward pass.</summary>
    public int MaxBatchSize { get; set; } = 32;

    /// <summary>
    /// How long the first queued request waits for others before its batch is scored, at most (default 5 ms). A batch
    /// is scored at once when <see cref="MaxBatchSize"/> requests wait, and without waiting when the first one already
    /// waited this long (e.g. while the previous batch was scored); the wait also ends when no request has arrived for a
    /// quarter of this delay (the callers that come together have come: waiting longer would leave a core idle). Zero
    /// scores whatever is queued as soon as a loop is free. The wait is adaptive: once a wait brought no other request,
    /// lone requests are scored at once until requests overlap again (one arrives while another waits or is scored),
    /// so a single caller pays the wait once rather than on every request.
    /// </summary>
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromMilliseconds(5);

    /// <summary>Requests that may wait at once (default 1,024); one more makes <c>PredictAsync</c> throw <see cref="RemBertOverloadedException"/> at once.</summary>
    public int MaxQueueLength { get; set; } = 1024;

    /// <summary>
    /// How many batches are scored at once, each by a loop of its own (default: <see cref="Environment.ProcessorCount"/>; at most 256).
    /// Requests go to whichever loop is free. Each loop runs libtorch's forward passes on
    /// max(1, T / <see cref="ConcurrentBatches"/>) intra-op threads, where T is the count libtorch gives a thread of
    /// this process (one per core, or what the host set with OMP_NUM_THREADS or <c>torch.set_num_threads</c>), so the
    /// loops together use the cores one loop would have used: one batch at a time on a team of threads leaves cores idle
    /// while the loop does the managed work between forwards and spins the team up and down (docs/serving.md). A batch
    /// taken while every other loop is idle runs on all T threads when the model is at least BERT-base's width (a lone
    /// caller of a wide model then gets a forward on every core). Other threads of the process keep their own count.
    /// </summary>
    public int ConcurrentBatches { get; set; } = Environment.ProcessorCount;

    /// <summary>
    /// Called on the engine's loop after each batch is scored, with its size (requests) and how long scoring took;
    /// for metrics (batch-size histograms). It must be quick and must not throw (an exception is ignored).
    /// </summary>
    public Action<int, TimeSpan>? BatchScored { get; set; }

    // Each loop is a thread with its own PredictionEngine and activations: beyond a few per core they only cost memory.
    private const int MaxConcurrentBatches = 256;

    internal void Validate()
    {
        if (MaxBatchSize < 1)
            throw new ArgumentOutOfRangeException(nameof(MaxBatchSize), MaxBatchSize, $"MaxBatchSize must be at least 1, not {MaxBatchSize}.");
        if (MaxDelay < TimeSpan.Zero || MaxDelay > TimeSpan.FromMinutes(1))
            throw new ArgumentOutOfRangeException(nameof(MaxDelay), MaxDelay, $"MaxDelay must be between 0 and 1 minute, not {MaxDelay}.");
        if (MaxQueueLength < 1)
            throw new ArgumentOutOfRangeException(nameof(MaxQueueLength), MaxQueueLength, $"MaxQueueLength must be at least 1, not {MaxQueueLength}.");
        if (ConcurrentBatches is < 1 or > MaxConcurrentBatches)
            throw new ArgumentOutOfRangeException(nameof(ConcurrentBatches), ConcurrentBatches, $"ConcurrentBatches must be between 1 and {MaxConcurrentBatches}, not {ConcurrentBatches}.");
    }
}
