namespace Microsoft.ML.RemBert.Checkpoints.Hub;

/// <summary>
/// The Hub could not be reached or did not answer usefully (connection refused, timeout, HTTP 5xx, a cut that retries
/// could not resume). Internal: the resolver turns it into the one "what to download and where" error, or falls back to
/// the cache.
/// </summary>
internal sealed class HubUnreachableException : IOException
{
    /// <summary>Creates it; <paramref name="reason"/> is shown to the user and must be free of any token.</summary>
    public HubUnreachableException(string reason, Exception? inner = null) : base(reason, inner)
    {
    }
}
