namespace Microsoft.ML.RemBert.Checkpoints.Hub;

/// <summary>
/// The files of a RemBERT checkpoint repository that a resolve fetches: config.json, one weights layout (the first
/// that exists, in transformers' order of preference, with the shards of an index), and the tokenizer files when the
/// repository has them.
/// </summary>
internal static class HubCheckpointFiles
{
    /// <summary>Tokenizer files a checkpoint usually carries; a repository without them is still a checkpoint.</summary>
    public static IReadOnlyList<string> Optional { get; } = new[] { "sentencepiece.model", "tokenizer_config.json" };

    /// <summary>Whether <paramref name="fileName"/> is a sharded weights index.</summary>
    public static bool IsIndex(string fileName) => fileName.EndsWith(".index.json", StringComparison.Ordinal);

    /// <summary>
    /// Whether <paramref name="snapshot"/> holds a loadable checkpoint: config.json and a complete weights layout (an
    /// index counts only with all its shards). Optional files do not count: huggingface_hub may have cached a model
    /// without its tokenizer, and the model is still usable.
    /// </summary>
    public static bool IsComplete(string snapshot) =>
        File.Exists(Path.Combine(snapshot, CheckpointFileNames.Config)) && CompleteWeights(snapshot) is not null;

    /// <summary>The first weights file of a complete layout in <paramref name="snapshot"/>, or null.</summary>
    public static string? CompleteWeights(string snapshot)
    {
        foreach (var name in CheckpointFileNames.WeightsFilesInPreferenceOrder)
        {
            string path = Path.Combine(snapshot, name);
            if (!File.Exists(path)) continue;
            if (!IsIndex(name)) return name;
            try
            {
                ShardedCheckpointIndex.ReadShardFileNames(path); // throws when a shard is missing
                return name;
            }
            catch (CheckpointFormatException)
            {
            }
        }
        return null;
    }
}
