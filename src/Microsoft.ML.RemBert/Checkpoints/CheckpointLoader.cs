using TorchSharp;

namespace Microsoft.ML.RemBert.Checkpoints;

/// <summary>Loads a Hugging Face checkpoint directory into any TorchSharp module whose state-dict keys use transformers' names.</summary>
internal static class CheckpointLoader
{
    /// <summary>
    /// Streams every matching checkpoint tensor into <paramref name="model"/>'s parameters and buffers, one at a
    /// time, converting type and device as needed. Keys match exactly or with <see cref="CheckpointLoadOptions.BasePrefix"/>
    /// added or removed. Head keys the checkpoint lacks keep their initialisation and are named in one warning; missing
    /// base-model keys (embeddings, encoder, pooler) are an error unless <see cref="CheckpointLoadOptions.AllowMissingBaseWeights"/>.
    /// </summary>
    /// <exception cref="MissingCheckpointWeightsException">Base-model weights are missing (nothing is loaded).</exception>
    /// <exception cref="CheckpointShapeMismatchException">A key's shape differs between checkpoint and model (nothing after it is loaded).</exception>
    /// <exception cref="CheckpointFormatException">A weights file is damaged or not a checkpoint.</exception>
    /// <exception cref="FileNotFoundException">The directory holds no weights file.</exception>
    public static CheckpointLoadReport LoadInto(torch.nn.Module model, string directory, CheckpointLoadOptions? options = null)
    {
        using var reader = CheckpointReader.Open(directory);
        return LoadInto(model, reader, options);
    }

    /// <summary>As <see cref="LoadInto(torch.nn.Module, string, CheckpointLoadOptions?)"/>, from an open reader.</summary>
    public static CheckpointLoadReport LoadInto(torch.nn.Module model, CheckpointReader reader, CheckpointLoadOptions? options = null)
    {
        options ??= new CheckpointLoadOptions();
        var stateDict = model.state_dict();
        var keyMap = CheckpointKeyMap.Build(stateDict.Keys, reader.Keys.ToList(), options.BasePrefix, options.IgnoredKeySuffixes);

        // Check every shape before touching the model, so a mismatched checkpoint leaves the model as it was.
        foreach (var (modelKey, checkpointKey) in keyMap.ModelToCheckpoint)
        {
            var info = reader.GetInfo(checkpointKey);
            if (!TensorShapes.SameShape(info.Shape, stateDict[modelKey].shape))
                throw new CheckpointShapeMismatchException(checkpointKey, info.Shape, stateDict[modelKey].shape, info.FilePath);
        }

        string? warning = MissingKeysWarning(keyMap.Missing, reader.Source);
        if (warning is not null && options.RequireAllModelKeys) throw new KeyNotFoundException(warning);
        var missingBase = keyMap.Missing.Where(key => IsBaseModelKey(key, options.BasePrefix)
            && !(options.AllowMissingPooler && IsPoolerKey(key, options.BasePrefix))).ToList();
        if (missingBase.Count > 0 && !options.AllowMissingBaseWeights) throw new MissingCheckpointWeightsException(reader.Source, missingBase);

        using (torch.no_grad())
        {
            foreach (var (modelKey, checkpointKey) in keyMap.ModelToCheckpoint)
                reader.ReadInto(checkpointKey, stateDict[modelKey]);
        }

        if (warning is not null) options.Log?.Invoke(warning);
        return new CheckpointLoadReport(reader.Source, keyMap.ModelToCheckpoint.Keys.ToArray(), keyMap.Missing,
            keyMap.Unexpected, keyMap.Ignored, warning);
    }

    /// <summary>True for the base model's keys (<c>embeddings.</c>, <c>encoder.</c>, <c>pooler.</c>, with or without the prefix): without them the model answers from random weights.</summary>
    private static bool IsBaseModelKey(string modelKey, string basePrefix)
    {
        var key = WithoutPrefix(modelKey, basePrefix);
        return BaseModelKeyPrefixes.Any(prefix => key.StartsWith(prefix, StringComparison.Ordinal));
    }

    private static bool IsPoolerKey(string modelKey, string basePrefix) => WithoutPrefix(modelKey, basePrefix).StartsWith("pooler.", StringComparison.Ordinal);

    private static string WithoutPrefix(string modelKey, string basePrefix) =>
        modelKey.StartsWith(basePrefix, StringComparison.Ordinal) ? modelKey[basePrefix.Length..] : modelKey;

    private static readonly string[] BaseModelKeyPrefixes = { "embeddings.", "encoder.", "pooler." };

    private static string? MissingKeysWarning(IReadOnlyList<string> missing, string source) =>
        missing.Count == 0
            ? null
            : $"{missing.Count} weight(s) of the model are not in checkpoint '{source}' and keep their fresh initialisation " +
              $"(train the model before using it for predictions): {string.Join(", ", missing)}.";
}
