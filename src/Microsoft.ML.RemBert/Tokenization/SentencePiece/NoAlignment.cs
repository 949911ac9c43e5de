using System.Runtime.CompilerServices;

namespace Microsoft.ML.RemBert.Tokenization.SentencePiece;

/// <summary>Discards alignment (EncodeToIds).</summary>
internal struct NoAlignment : INormalizationAlignment
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly void Record(int index, int start, int end, bool isSpace) { }

    public readonly int SourceStartAt(int index) => 0;
}
