using System.Runtime.CompilerServices;

namespace Microsoft.ML.RemBert.Tokenization.SentencePiece;

/// <summary>
/// Receives, for every normalized byte, the original characters it came from. A struct type parameter, so the
/// ids-only path (<see cref="NoAlignment"/>) compiles to nothing.
/// </summary>
internal interface INormalizationAlignment
{
    /// <summary>Normalized byte <paramref name="index"/> came from input bytes [start, end); <paramref name="isSpace"/>
    /// when it is (part of) the whitespace symbol that stands for spaces or the dummy prefix.</summary>
    void Record(int index, int start, int end, bool isSpace);

    /// <summary>The input start recorded for normalized byte <paramref name="index"/>.</summary>
    int SourceStartAt(int index);
}
