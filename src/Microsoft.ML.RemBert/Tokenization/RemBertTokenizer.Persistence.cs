using Microsoft.ML.RemBert.IO;

namespace Microsoft.ML.RemBert.Tokenization;

public sealed partial class RemBertTokenizer
{
    /// <summary>Writes the exact SentencePiece model bytes to <paramref name="directory"/>/sentencepiece.model (through a
    /// temporary file renamed into place, so a crash never leaves a half-written vocabulary) and returns that path.</summary>
    /// <exception cref="DirectoryNotFoundException"><paramref name="directory"/> does not exist.</exception>
    public string SaveVocabulary(string directory)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        if (!Directory.Exists(directory))
            throw new DirectoryNotFoundException($"Cannot save the vocabulary: directory '{directory}' does not exist.");

        var path = Path.Combine(directory, VocabularyFileName);
        AtomicFile.Write(path, stream => stream.Write(SentencePiece.ModelBytes.Span));
        return path;
    }
}
