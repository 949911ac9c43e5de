using TorchSharp;

namespace Microsoft.ML.RemBert.Checkpoints;

/// <summary>Loads a Hugging Face checkpoint directory into any TorchSharp module whose state-dict keys use transformers' names.</summary>
public static class CheckpointLoader
{
    /// <summary>
    /// Streams every matching checkpoint tensor into <paramref name="model"/>'s parameters and buffers, one at a
    /// time, converting type and device as needed. Keys match exactly or with <see cref="CheckpointLoadOptions.BasePrefix"/>
    /// added or removed. Model keys the checkpoint lacks keep their initialisation and are named in one warning.
    /// </summary>
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

        using (torch.no_grad())
        {
            foreach (var (modelKey, checkpointKey) in keyMap.ModelToCheckpoint)
                reader.ReadInto(checkpointKey, stateDict[modelKey]);
        }

        if (warning is not null) options.Log?.Invoke(warning);
        return new CheckpointLoadReport(reader.Source, keyMap.ModelToCheckpoint.Keys.ToArray(), keyMap.Missing,
            keyMap.Unexpected, keyMap.Ignored, warning);
    }

    private static string? MissingKeysWarning(IReadOnlyList<string> missing, string source) =>
        missing.Count == 0
            ? null
            : $"{missing.Count} weight(s) of the model are not in checkpoint '{source}' and keep their fresh initialisation " +
              $"(train the model before using it for predictions): {string.Join(", ", missing)}.";
}
