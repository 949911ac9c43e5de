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

/// <summary>Discards alignment (EncodeToIds).</summary>
internal struct NoAlignment : INormalizationAlignment
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly void Record(int index, int start, int end, bool isSpace) { }

    public readonly int SourceStartAt(int index) => 0;
}

/// <summary>
/// Records alignment into <see cref="EncoderScratch"/>: for each normalized byte the input-byte span of the chunk
/// that produced it, with spaces flagged (stored as a negative end) so offsets can exclude them.
/// </summary>
internal struct RecordedAlignment : INormalizationAlignment
{
    private readonly EncoderScratch _scratch;

    public RecordedAlignment(EncoderScratch scratch) => _scratch = scratch;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly void Record(int index, int start, int end, bool isSpace)
    {
        var starts = _scratch.NormalizedSourceStart;
        if ((uint)index >= (uint)starts.Length) _scratch.GrowAlignment(index + 1);
        _scratch.NormalizedSourceStart[index] = start;
        _scratch.NormalizedSourceEnd[index] = isSpace ? ~end : end;
    }

    public readonly int SourceStartAt(int index) => _scratch.NormalizedSourceStart[index];
}
