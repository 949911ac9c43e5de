namespace Microsoft.ML.RemBert.Checkpoints.Hub;

/// <summary>
/// Every message a resolve can fail with, for one repository and revision. Text that comes from outside (a server's
/// error message, a socket error) passes through <see cref="Scrub"/>, so the token never reaches a message even when a
/// server echoes it.
/// </summary>
internal sealed class HubErrors
{
    private readonly HubSettings _settings;
    private readonly string _repoId;

    public HubErrors(string repoId, HubSettings settings)
    {
        _repoId = repoId;
        _settings = settings;
    }

    /// <summary>The files a checkpoint needs, as a user would have to download them by hand.</summary>
    private static string FilesToDownload =>
        $"{CheckpointFileNames.Config}, the weights ({CheckpointFileNames.SafeTensors}, or {CheckpointFileNames.SafeTensorsIndex} with its shards, "
        + $"or {CheckpointFileNames.PyTorch}, or {CheckpointFileNames.PyTorchIndex} with its shards) and, when the repository has them, "
        + string.Join(" and ", HubCheckpointFiles.Optional);

    /// <summary>Replaces the token wherever it occurs in <paramref name="text"/>.</summary>
    public string Scrub(string text) =>
        _settings.Token is { Length: > 0 } token ? text.Replace(token, "***", StringComparison.Ordinal) : text;

    /// <summary>Offline or unreachable, and no complete copy in the cache: what to download, and where to put it.</summary>
    public RemBertHubException Unavailable(string reason, Exception? inner = null)
    {
        string folder = HubRepoId.CacheFolderName(_repoId);
        return new RemBertHubException(_repoId, _settings.Revision, null,
            $"Cannot get '{_repoId}' (revision '{_settings.Revision}'): {Scrub(reason)}, and the Hugging Face cache '{_settings.CacheDirectory}' "
            + $"has no complete copy of it. On a machine with network access, download {FilesToDownload} "
            + $"(e.g. `huggingface-cli download {_repoId} --revision {_settings.Revision}`, or run this once online), then copy its cache folder "
            + $"'{folder}' into '{_settings.CacheDirectory}' (or point HF_HUB_CACHE at a cache that has it). "
            + $"Alternatively put those files in a directory and pass that directory's path instead of '{_repoId}'.", inner: inner);
    }

    /// <summary>401/403: gated, private, or (as the Hub answers anonymous requests) missing.</summary>
    public RemBertHubException AccessDenied(string fileName, int status, string? serverMessage)
    {
        string advice = _settings.Token is null
            ? "No token was sent: set HF_TOKEN (or RemBertHubOptions.Token) to a Hugging Face access token that can read it"
            : "A token was sent (HF_TOKEN or RemBertHubOptions.Token) but it was refused or lacks access: use a token that can read it";
        return new RemBertHubException(_repoId, _settings.Revision, fileName,
            $"The Hub at {_settings.Endpoint} refused access to '{_repoId}' (HTTP {status} for '{fileName}' at revision '{_settings.Revision}'): "
            + $"the repository is gated or private, or does not exist. {advice}, and for a gated model accept its terms on its Hub page with that account."
            + ServerSays(serverMessage) + NotADirectory(), status);
    }

    /// <summary>404 for the repository itself.</summary>
    public RemBertHubException RepositoryNotFound(string fileName, string? serverMessage) =>
        new(_repoId, _settings.Revision, fileName,
            $"Repository '{_repoId}' was not found at {_settings.Endpoint} (HTTP 404).{ServerSays(serverMessage)}{NotADirectory()}", 404);

    /// <summary>404 for the revision.</summary>
    public RemBertHubException RevisionNotFound(string fileName, string? serverMessage) =>
        new(_repoId, _settings.Revision, fileName,
            $"Revision '{_settings.Revision}' of '{_repoId}' was not found at {_settings.Endpoint} (HTTP 404 for '{fileName}').{ServerSays(serverMessage)}", 404);

    /// <summary>404 for a file the checkpoint cannot do without.</summary>
    public RemBertHubException RequiredFileNotFound(string fileName, Uri url) =>
        new(_repoId, _settings.Revision, fileName,
            $"'{fileName}' was not found in '{_repoId}' at revision '{_settings.Revision}' (HTTP 404 for {url}): it is not a RemBERT checkpoint repository, "
            + "or that revision lacks the file.", 404);

    /// <summary>None of the weights layouts exists.</summary>
    public RemBertHubException NoWeights(string commit) =>
        new(_repoId, _settings.Revision, null,
            $"'{_repoId}' at revision '{_settings.Revision}' (commit {commit}) has none of the weights files transformers reads: "
            + string.Join(", ", CheckpointFileNames.WeightsFilesInPreferenceOrder) + ".", 404);

    /// <summary>Any other answer the protocol does not expect.</summary>
    public RemBertHubException Unexpected(string fileName, string problem, int? status = null) =>
        new(_repoId, _settings.Revision, fileName,
            $"The server at {_settings.Endpoint} gave an unusable answer for '{fileName}' of '{_repoId}' (revision '{_settings.Revision}'): "
            + $"{Scrub(problem)}. Is HF_ENDPOINT a Hugging Face Hub or a mirror of it?", status);

    /// <summary>A download whose size or checksum is wrong; its partial file has been deleted.</summary>
    public RemBertHubException Corrupt(string fileName, string problem) =>
        new(_repoId, _settings.Revision, fileName,
            $"The download of '{fileName}' from '{_repoId}' (revision '{_settings.Revision}') is corrupt: {problem}. "
            + "The partial file was deleted; run again to download it anew.");

    /// <summary>A cache file that cannot be written safely (a link planted in the cache) or at all (a name too long, no permission).</summary>
    public RemBertHubException CacheRefused(string fileName, string path, string problem, Exception? inner = null) =>
        new(_repoId, _settings.Revision, fileName,
            $"The Hugging Face cache '{_settings.CacheDirectory}' cannot hold '{fileName}' of '{_repoId}': '{path}' {problem}.", inner: inner);

    /// <summary>Another process holds the download lock and its download has made no progress for <paramref name="waited"/>.</summary>
    public RemBertHubException LockHeld(string fileName, string lockPath, TimeSpan waited) =>
        new(_repoId, _settings.Revision, fileName,
            $"'{lockPath}' is held by another process, whose download of '{fileName}' of '{_repoId}' has not progressed for {waited.TotalSeconds:0.#} s "
            + "(RemBertHubOptions.LockTimeout); wait for it to finish or stop it, then run again.");

    /// <summary>A body arriving slower than the minimum rate; its partial file is kept to resume.</summary>
    public RemBertHubException TooSlow(string fileName, long bytes, TimeSpan window, long minimumRate, string incomplete) =>
        new(_repoId, _settings.Revision, fileName,
            $"The download of '{fileName}' from '{_repoId}' was abandoned: {bytes} bytes arrived in {window.TotalSeconds:0.#} s, "
            + $"below the minimum of {minimumRate} bytes/s (RemBertHubOptions.MinimumDownloadRate); the partial file '{incomplete}' is kept and resumed next time.");

    private string ServerSays(string? serverMessage) =>
        string.IsNullOrWhiteSpace(serverMessage) ? "" : $" The Hub says: {Scrub(serverMessage.Trim())}";

    private string NotADirectory() =>
        $" ('{_repoId}' is not an existing local directory either: '{Path.GetFullPath(_repoId)}'.)";
}
