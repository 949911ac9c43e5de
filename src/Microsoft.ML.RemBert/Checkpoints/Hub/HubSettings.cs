namespace Microsoft.ML.RemBert.Checkpoints.Hub;

/// <summary>
/// The settings in force for one resolve: <see cref="RemBertHubOptions"/> where set, otherwise the environment variables
/// huggingface_hub reads (constants.py), with the same precedence and the same defaults.
/// </summary>
internal sealed record HubSettings(string Revision, string Endpoint, string? Token, bool Offline, string CacheDirectory, TimeSpan Timeout)
{
    /// <summary>See <see cref="RemBertHubOptions.MinimumDownloadRate"/>.</summary>
    public long MinimumDownloadRate { get; init; } = 1024;

    /// <summary>See <see cref="RemBertHubOptions.MinimumDownloadRateWindow"/>.</summary>
    public TimeSpan MinimumDownloadRateWindow { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>See <see cref="RemBertHubOptions.LockTimeout"/>.</summary>
    public TimeSpan LockTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>The public Hub.</summary>
    public const string DefaultEndpoint = "https://huggingface.co";

    /// <summary>huggingface_hub's ENV_VARS_TRUE_VALUES.</summary>
    private static readonly string[] TrueValues = { "1", "ON", "YES", "TRUE" };

    /// <summary>Reads the process environment.</summary>
    public static HubSettings From(RemBertHubOptions options) => From(options, Environment.GetEnvironmentVariable);

    /// <summary>Reads <paramref name="environment"/> (a test passes its own, so no test changes the process's variables).</summary>
    public static HubSettings From(RemBertHubOptions options, Func<string, string?> environment)
    {
        string? Variable(string name) => environment(name) is { Length: > 0 } value ? value : null;

        string endpoint = (options.Endpoint ?? Variable("HF_ENDPOINT") ?? DefaultEndpoint).TrimEnd('/');
        if (!Uri.TryCreate(endpoint, UriKind.Absolute, out var endpointUri) || (endpointUri.Scheme != Uri.UriSchemeHttp && endpointUri.Scheme != Uri.UriSchemeHttps))
            throw new ArgumentException($"The Hub endpoint '{endpoint}' (Endpoint or HF_ENDPOINT) is not an http(s) address.", nameof(options));
        if (options.Timeout <= TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(options), options.Timeout, "Timeout must be positive.");
        if (options.MinimumDownloadRate < 0)
            throw new ArgumentOutOfRangeException(nameof(options), options.MinimumDownloadRate, "MinimumDownloadRate must not be negative (0 turns the check off).");
        if (options.MinimumDownloadRateWindow <= TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(options), options.MinimumDownloadRateWindow, "MinimumDownloadRateWindow must be positive.");
        if (options.LockTimeout <= TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(options), options.LockTimeout, "LockTimeout must be positive.");

        string? token = options.Token ?? Variable("HF_TOKEN");
        bool offline = options.Offline ?? (IsTrue(Variable("HF_HUB_OFFLINE")) || IsTrue(Variable("TRANSFORMERS_OFFLINE")));
        return new HubSettings(ValidRevision(options.Revision), endpoint, string.IsNullOrWhiteSpace(token) ? null : token.Trim(),
            offline, CacheDirectoryFrom(options.CacheDirectory, Variable), options.Timeout)
        {
            MinimumDownloadRate = options.MinimumDownloadRate,
            MinimumDownloadRateWindow = options.MinimumDownloadRateWindow,
            LockTimeout = options.LockTimeout,
        };
    }

    /// <summary>Never prints the token (the record's generated ToString would).</summary>
    public override string ToString() =>
        $"revision {Revision}, endpoint {Endpoint}, token {(Token is null ? "none" : "set")}, offline {Offline}, cache {CacheDirectory}";

    private static bool IsTrue(string? value) => value is not null && TrueValues.Contains(value.Trim().ToUpperInvariant());

    /// <summary>HF_HUB_CACHE, then the legacy HUGGINGFACE_HUB_CACHE, then HF_HOME/hub, then XDG_CACHE_HOME or ~/.cache.</summary>
    private static string CacheDirectoryFrom(string? configured, Func<string, string?> variable)
    {
        string? hubCache = configured ?? variable("HF_HUB_CACHE") ?? variable("HUGGINGFACE_HUB_CACHE");
        if (hubCache is null)
        {
            string home = variable("HF_HOME")
                ?? Path.Combine(variable("XDG_CACHE_HOME") ?? Path.Combine(UserHome(variable), ".cache"), "huggingface");
            hubCache = Path.Combine(ExpandHome(home, variable), "hub");
        }
        return Path.GetFullPath(ExpandHome(hubCache, variable));
    }

    private static string ExpandHome(string path, Func<string, string?> variable) =>
        path == "~" ? UserHome(variable)
        : path.StartsWith("~/", StringComparison.Ordinal) ? Path.Combine(UserHome(variable), path[2..])
        : path;

    private static string UserHome(Func<string, string?> variable) =>
        variable("HOME") ?? Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);

    /// <summary>A revision is a ref name or commit used as a path under refs/: it must not climb out of it.</summary>
    private static string ValidRevision(string revision)
    {
        if (string.IsNullOrWhiteSpace(revision) || revision.Contains('\\') || revision.StartsWith('/') || revision.EndsWith('/')
            || revision.Split('/').Any(part => part is "" or "." or ".."))
            throw new ArgumentException($"The revision '{revision}' is not a branch, tag or commit name.", nameof(revision));
        return revision;
    }
}
