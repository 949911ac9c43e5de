namespace Microsoft.ML.RemBert.Checkpoints.Hub;

/// <summary>
/// How <see cref="RemBertModelSource"/> resolves a Hugging Face Hub id. Every property left null takes the value
/// huggingface_hub would take from the environment, so a machine set up for Python works unchanged.
/// </summary>
public sealed class RemBertHubOptions
{
    /// <summary>The branch, tag or 40-hex commit to resolve (huggingface_hub's <c>revision</c>); default <c>main</c>.</summary>
    public string Revision { get; set; } = "main";

    /// <summary>The Hub's base address; null: <c>$HF_ENDPOINT</c>, else <c>https://huggingface.co</c>.</summary>
    public string? Endpoint { get; set; }

    /// <summary>
    /// An access token for gated or private repositories, sent as <c>Authorization: Bearer</c> to the Hub only (never
    /// to the CDN a file redirects to); null: <c>$HF_TOKEN</c>; empty: none. It never appears in a message, log line or exception.
    /// </summary>
    public string? Token { get; set; }

    /// <summary>Use the cache only, never the network; null: <c>$HF_HUB_OFFLINE</c> (or <c>$TRANSFORMERS_OFFLINE</c>) is 1/true/yes/on.</summary>
    public bool? Offline { get; set; }

    /// <summary>
    /// The Hugging Face hub cache; null: <c>$HF_HUB_CACHE</c>, else <c>$HF_HOME/hub</c>, else
    /// <c>~/.cache/huggingface/hub</c> (<c>$XDG_CACHE_HOME</c> replacing <c>~/.cache</c> when set).
    /// </summary>
    public string? CacheDirectory { get; set; }

    /// <summary>Download progress, reported every megabyte and at each file's end (from a thread-pool thread); see <see cref="RemBertDownloadProgress"/>.</summary>
    public IProgress<RemBertDownloadProgress>? Progress { get; set; }

    /// <summary>One line per decision (cache hit, file downloaded, download resumed), possibly from a thread-pool thread; the token is never part of it.</summary>
    public Action<string>? Log { get; set; }

    /// <summary>How long to wait to connect, for response headers, or for the next bytes of a download (huggingface_hub's default: 10 s).</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// The slowest download accepted, in bytes per second, averaged over <see cref="MinimumDownloadRateWindow"/>; a body
    /// arriving slower is abandoned (its partial file kept to resume), so a server trickling bytes cannot hold a resolve
    /// forever. Default 1024 (1 KB/s); 0 turns the check off.
    /// </summary>
    public long MinimumDownloadRate { get; set; } = 1024;

    /// <summary>The time over which <see cref="MinimumDownloadRate"/> is measured; default 60 s (a trickle fails within about a minute).</summary>
    public TimeSpan MinimumDownloadRateWindow { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// How long to wait for another process's download lock while its download makes no progress (its partial file
    /// does not grow) before giving up with a message naming the lock; default 5 minutes.
    /// </summary>
    public TimeSpan LockTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// The handler requests go through (a proxy, a test double); null: a handler that honours the usual proxy
    /// variables. It must not follow redirects itself: the Hub's redirect carries the file's commit, hash and size.
    /// </summary>
    public HttpMessageHandler? HttpHandler { get; set; }
}
