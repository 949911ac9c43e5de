namespace Microsoft.ML.RemBert.Checkpoints;

/// <summary>A checkpoint tensor has a different shape from the model parameter it is loaded into.</summary>
/// <remarks>Usually the config.json beside the weights does not describe them (wrong vocabulary size, label count…).</remarks>
public sealed class CheckpointShapeMismatchException : InvalidOperationException
{
    /// <summary>Creates the exception naming the key, both shapes and the file.</summary>
    public CheckpointShapeMismatchException(string key, IReadOnlyList<long> checkpointShape, IReadOnlyList<long> destinationShape, string filePath)
        : base($"Key '{key}' in checkpoint file '{filePath}' has shape {TensorShapes.Format(checkpointShape)} " +
               $"but the destination tensor has shape {TensorShapes.Format(destinationShape)}.")
    {
        Key = key;
        FilePath = filePath;
    }

    /// <summary>The checkpoint key at fault.</summary>
    public string Key { get; }

    /// <summary>The file holding the key.</summary>
    public string FilePath { get; }
}
