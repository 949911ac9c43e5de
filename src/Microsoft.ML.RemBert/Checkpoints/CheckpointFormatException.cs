namespace Microsoft.ML.RemBert.Checkpoints;

/// <summary>A checkpoint file is truncated, malformed, or not a checkpoint at all.</summary>
/// <remarks>The message always names the file and what is wrong with it, so a user can fix or re-download it.</remarks>
public sealed class CheckpointFormatException : IOException
{
    /// <summary>Creates the exception for <paramref name="filePath"/>, describing <paramref name="problem"/>.</summary>
    public CheckpointFormatException(string filePath, string problem, Exception? inner = null)
        : base($"Checkpoint file '{filePath}': {problem}", inner)
    {
        FilePath = filePath;
    }

    /// <summary>The file at fault.</summary>
    public string FilePath { get; }
}
