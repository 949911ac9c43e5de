namespace Microsoft.ML.RemBert.IO;

/// <summary>
/// A path given to read or write is of a kind that cannot be used (an output that is a directory, block device or
/// socket; an input that is not a regular file, or larger than the reader accepts). Thrown before anything is read or
/// changed; the message names the path and what it is.
/// </summary>
internal sealed class FileRefusedException : IOException
{
    /// <summary>Creates the exception for <paramref name="path"/>.</summary>
    public FileRefusedException(string path, string message) : base(message) => Path = path;

    /// <summary>The path that was refused.</summary>
    public string Path { get; }
}
