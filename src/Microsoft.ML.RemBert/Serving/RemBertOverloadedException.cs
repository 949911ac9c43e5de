namespace Microsoft.ML.RemBert.Serving;

/// <summary>
/// Thrown by <see cref="RemBertBatchingPredictionEngine{TInput, TOutput}.PredictAsync"/> at once, without queuing the
/// request, when <see cref="RemBertBatchingOptions.MaxQueueLength"/> requests already wait: the caller should shed
/// the load (e.g. answer HTTP 503 with Retry-After) rather than let the queue grow without bound.
/// </summary>
public sealed class RemBertOverloadedException : Exception
{
    /// <summary>An exception saying that <paramref name="maxQueueLength"/> requests already wait.</summary>
    public RemBertOverloadedException(int maxQueueLength)
        : base($"The batching prediction engine is overloaded: {maxQueueLength} requests already wait (MaxQueueLength); try again later.")
        => MaxQueueLength = maxQueueLength;

    /// <summary>The queue length that was reached.</summary>
    public int MaxQueueLength { get; }
}
