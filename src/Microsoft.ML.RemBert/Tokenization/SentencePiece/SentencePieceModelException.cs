namespace Microsoft.ML.RemBert.Tokenization.SentencePiece;

/// <summary>
/// A SentencePiece <c>.model</c> file is truncated, malformed or inconsistent (not a serialized ModelProto, a bad
/// piece table, a broken normalizer map). The message names the model and the field or byte at fault.
/// </summary>
/// <remarks>An <see cref="IOException"/>, like <c>CheckpointFormatException</c>: a bad file, not a bad argument.</remarks>
public sealed class SentencePieceModelException : IOException
{
    /// <summary>Creates the exception with a message that names the model and the problem.</summary>
    public SentencePieceModelException(string message) : base(message)
    {
    }
}
