namespace Microsoft.ML.RemBert.Checkpoints.Hub;

/// <summary>
/// Resolves one repository at one revision to a snapshot directory of the hub cache: the cached snapshot when it is
/// complete (no request at all), otherwise the checkpoint's files fetched into the cache. Every file after config.json
/// is fetched at the commit config.json resolved to, so a branch moving during the download cannot mix two commits.
/// </summary>
internal sealed class HubSnapshotResolver
{
    private readonly string _repoId;
    private readonly HubSettings _settings;
    private readonly RemBertHubOptions _options;
    private readonly HubCacheRepository _cache;
    private readonly HubErrors _errors;

    public HubSnapshotResolver(string repoId, HubSettings settings, RemBertHubOptions options)
    {
        _repoId = repoId;
        _settings = settings;
        _options = options;
        _errors = new HubErrors(repoId, settings);
        _cache = new HubCacheRepository(settings.CacheDirectory, repoId, _errors);
    }

    public async Task<string> ResolveAsync(CancellationToken cancellationToken)
    {
        if (_cache.CommitFor(_settings.Revision) is { } cached && HubCheckpointFiles.IsComplete(_cache.SnapshotDirectory(cached)))
            return await CompleteCachedAsync(cached, cancellationToken).ConfigureAwait(false);
        if (_settings.Offline)
            throw _errors.Unavailable("offline mode is on (HF_HUB_OFFLINE or RemBertHubOptions.Offline)");
        try
        {
            using var http = new HubHttp(_repoId, _settings, _errors, _options.HttpHandler);
            return await DownloadAsync(http, cancellationToken).ConfigureAwait(false);
        }
        catch (HubUnreachableException e)
        {
            throw _errors.Unavailable(e.Message, e);
        }
    }

    /// <summary>
    /// A complete cached snapshot is used as it is. Only a tokenizer file the cache knows nothing about (huggingface_hub
    /// fetched the model alone) is looked up, when online; if that fails the snapshot is still returned.
    /// </summary>
    private async Task<string> CompleteCachedAsync(string commit, CancellationToken cancellationToken)
    {
        string snapshot = _cache.SnapshotDirectory(commit);
        var unknown = HubCheckpointFiles.Optional.Where(name => !IsSettled(commit, name)).ToList();
        if (unknown.Count > 0 && !_settings.Offline)
        {
            try
            {
                using var http = new HubHttp(_repoId, _settings, _errors, _options.HttpHandler);
                foreach (var name in unknown) await FetchOptionalAsync(http, commit, name, cancellationToken).ConfigureAwait(false);
            }
            catch (HubUnreachableException e)
            {
                _options.Log?.Invoke($"Could not look up {string.Join(" and ", unknown)} ({e.Message}); using the cached snapshot without them.");
            }
        }
        _options.Log?.Invoke($"Using '{_repoId}' revision '{_settings.Revision}' (commit {commit}) from the cache: '{snapshot}'.");
        return snapshot;
    }

    private async Task<string> DownloadAsync(HubHttp http, CancellationToken cancellationToken)
    {
        var config = await http.LookupAsync(_settings.Revision, CheckpointFileNames.Config, cancellationToken).ConfigureAwait(false);
        if (config.Metadata is null)
            throw _errors.RequiredFileNotFound(CheckpointFileNames.Config, http.ResolveUri(_settings.Revision, CheckpointFileNames.Config));
        string commit = config.Metadata.Commit;
        await FetchAsync(http, commit, CheckpointFileNames.Config, config.Metadata, cancellationToken).ConfigureAwait(false);

        if (HubCheckpointFiles.CompleteWeights(_cache.SnapshotDirectory(commit)) is null)
            await FetchWeightsAsync(http, commit, cancellationToken).ConfigureAwait(false);
        foreach (var name in HubCheckpointFiles.Optional.Where(name => !IsSettled(commit, name)))
            await FetchOptionalAsync(http, commit, name, cancellationToken).ConfigureAwait(false);

        // Last, so refs/<revision> never points at a snapshot this download left incomplete.
        _cache.WriteRef(_settings.Revision, commit);
        string snapshot = _cache.SnapshotDirectory(commit);
        _options.Log?.Invoke($"'{_repoId}' revision '{_settings.Revision}' (commit {commit}) is in the cache: '{snapshot}'.");
        return snapshot;
    }

    /// <summary>The first weights layout the repository has, in transformers' order, with all shards of an index.</summary>
    private async Task FetchWeightsAsync(HubHttp http, string commit, CancellationToken cancellationToken)
    {
        foreach (var name in CheckpointFileNames.WeightsFilesInPreferenceOrder)
        {
            if (_cache.IsKnownMissing(commit, name)) continue;
            string path = Path.Combine(_cache.SnapshotDirectory(commit), name);
            if (!File.Exists(path))
            {
                var lookup = await http.LookupAsync(commit, name, cancellationToken).ConfigureAwait(false);
                if (lookup.Metadata is null)
                {
                    _cache.MarkMissing(commit, name);
                    continue;
                }
                await FetchAsync(http, commit, name, lookup.Metadata, cancellationToken).ConfigureAwait(false);
            }
            if (HubCheckpointFiles.IsIndex(name))
                foreach (var shard in ShardedCheckpointIndex.ReadListedShardFileNames(path))
                    await FetchRequiredAsync(http, commit, shard, cancellationToken).ConfigureAwait(false);
            return;
        }
        throw _errors.NoWeights(commit);
    }

    private async Task FetchRequiredAsync(HubHttp http, string commit, string name, CancellationToken cancellationToken)
    {
        if (File.Exists(Path.Combine(_cache.SnapshotDirectory(commit), name))) return;
        var lookup = await http.LookupAsync(commit, name, cancellationToken).ConfigureAwait(false);
        if (lookup.Metadata is null) throw _errors.RequiredFileNotFound(name, http.ResolveUri(commit, name));
        await FetchAsync(http, commit, name, lookup.Metadata, cancellationToken).ConfigureAwait(false);
    }

    private async Task FetchOptionalAsync(HubHttp http, string commit, string name, CancellationToken cancellationToken)
    {
        var lookup = await http.LookupAsync(commit, name, cancellationToken).ConfigureAwait(false);
        if (lookup.Metadata is null)
        {
            _cache.MarkMissing(commit, name); // as huggingface_hub does, so neither side asks again
            _options.Log?.Invoke($"'{_repoId}' has no {name} at commit {commit}.");
            return;
        }
        await FetchAsync(http, commit, name, lookup.Metadata, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Downloads the blob unless the cache has it (from any revision, or from Python), then links it into the snapshot.</summary>
    private async Task FetchAsync(HubHttp http, string commit, string name, HubFileMetadata file, CancellationToken cancellationToken)
    {
        if (File.Exists(Path.Combine(_cache.SnapshotDirectory(commit), name))) return;
        var downloader = new HubBlobDownloader(http, _cache, _errors, _settings, _options.Progress, _options.Log);
        await downloader.DownloadAsync(name, file, cancellationToken).ConfigureAwait(false);
        _cache.LinkIntoSnapshot(commit, name, file.Etag);
    }

    /// <summary>Whether the cache knows <paramref name="name"/> at <paramref name="commit"/>: present, or known not to exist.</summary>
    private bool IsSettled(string commit, string name) =>
        File.Exists(Path.Combine(_cache.SnapshotDirectory(commit), name)) || _cache.IsKnownMissing(commit, name);
}
