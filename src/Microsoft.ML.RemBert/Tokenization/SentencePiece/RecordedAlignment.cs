using System.Runtime.CompilerServices;

namespace Microsoft.ML.RemBert.Tokenization.SentencePiece;

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
