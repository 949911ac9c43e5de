namespace Microsoft.ML.RemBert;

/// <summary>
/// An ML.NET model zip written by this library is missing an entry, is truncated, or was written in a format
/// version this build cannot read. <see cref="EntryPath"/> names the zip entry at fault.
/// </summary>
public sealed class RemBertModelFormatException : IOException
{
    /// <summary>Creates the exception for the given zip entry.</summary>
    public RemBertModelFormatException(string entryPath, string message, Exception? innerException = null)
        : base($"ML.NET model entry '{entryPath}': {message}", innerException)
    {
        EntryPath = entryPath;
    }

    /// <summary>Path of the zip entry at fault, e.g. <c>TransformerChain/RemBertTokenizer.bin</c>.</summary>
    public string EntryPath { get; }
}
