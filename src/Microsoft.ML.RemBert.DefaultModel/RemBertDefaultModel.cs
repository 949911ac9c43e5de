using System.Reflection;

namespace Microsoft.ML.RemBert;

/// <summary>
/// The small multilingual RemBERT checkpoint this project pretrains itself (see docs/default-model.md), shipped inside this assembly so that fine-tuning works offline with no download.
/// </summary>
/// <remarks>
/// The files are extracted once to a per-user cache directory named after their content hash, so a new version of the
/// model never reuses an old extraction and every process sharing the cache sees complete files only. Thread-safe.
/// </remarks>
public static class RemBertDefaultModel
{
    private static readonly Lazy<string> Extracted = new(Extract, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>
    /// The directory holding the default model as a transformers checkpoint: <c>config.json</c>,
    /// <c>model.safetensors</c>, <c>sentencepiece.model</c> and <c>tokenizer_config.json</c>. Pass it wherever a model
    /// directory is taken (a trainer's <c>Model</c>, <c>RemBertCheckpoint</c>, the CLI's <c>--model</c>).
    /// </summary>
    /// <exception cref="InvalidOperationException">This build of the assembly carries no weights (they were not built).</exception>
    public static string Directory => Extracted.Value;

    /// <summary>The per-user cache the model is extracted under: <c>$XDG_CACHE_HOME</c> or <c>~/.cache</c> (the local application data folder on Windows), then <c>Microsoft.ML.RemBert/default-model</c>.</summary>
    public static string CacheRoot => DefaultModelCache.Root();

    private static string Extract()
    {
        var resources = DefaultModelResources.Load(typeof(RemBertDefaultModel).Assembly);
        return DefaultModelCache.Materialize(resources, CacheRoot);
    }
}
