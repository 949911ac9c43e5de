namespace Microsoft.ML.RemBert.Checkpoints.Hub;

/// <summary>
/// Turns what a user names as a model, a checkpoint directory or a Hugging Face Hub id such as <c>google/rembert</c>,
/// into a local checkpoint directory that <see cref="RemBertCheckpoint"/> and the tokenizer load. Hub ids resolve in
/// the standard Hugging Face cache (shared with Python's huggingface_hub, in both directions) and are downloaded into
/// it when missing. Thread-safe: concurrent resolves of the same files wait for each other's download.
/// </summary>
public static class RemBertModelSource
{
    /// <summary>
    /// Returns <paramref name="model"/> unchanged when it is an existing directory; otherwise resolves it as a Hub id
    /// to <c>{cache}/models--ORG--NAME/snapshots/{commit}</c>, downloading what the cache lacks. A complete cached
    /// snapshot of the revision is used without any network request.
    /// </summary>
    /// <param name="model">A checkpoint directory, or a Hub id (<c>namespace/name</c>).</param>
    /// <param name="options">Revision, endpoint, token, offline mode, cache, progress; null: all from the environment.</param>
    /// <param name="cancellationToken">Stops a download between reads; its <c>.incomplete</c> file is resumed next time.</param>
    /// <exception cref="ArgumentException">Neither an existing directory nor a valid Hub id (the message names the value).</exception>
    /// <exception cref="RemBertHubException">Not found, not authorized, offline or unreachable without a cached copy, or a corrupt download.</exception>
    public static string Resolve(string model, RemBertHubOptions? options = null, CancellationToken cancellationToken = default) =>
        ResolveAsync(model, options, cancellationToken).GetAwaiter().GetResult();

    /// <summary>As <see cref="Resolve"/>, asynchronously.</summary>
    /// <inheritdoc cref="Resolve" path="/param"/>
    /// <inheritdoc cref="Resolve" path="/exception"/>
    public static async Task<string> ResolveAsync(string model, RemBertHubOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (model.Length > 0 && Directory.Exists(model)) return model;
        if (File.Exists(model))
            throw new ArgumentException($"'{model}' is a file; a checkpoint is a directory (config.json and weights) or a Hugging Face Hub id.", nameof(model));
        if (HubRepoId.Problem(model) is { } problem)
            throw new ArgumentException($"'{model}' is neither an existing directory nor a Hugging Face Hub id: {problem}.", nameof(model));
        options ??= new RemBertHubOptions();
        var settings = HubSettings.From(options);
        return await new HubSnapshotResolver(model, settings, options).ResolveAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Whether <paramref name="model"/> would be resolved through the Hub (it is a valid id and not an existing directory).</summary>
    public static bool IsHubId(string model) =>
        !string.IsNullOrEmpty(model) && !Directory.Exists(model) && HubRepoId.Problem(model) is null;
}
