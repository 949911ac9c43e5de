using System.Buffers;

namespace Microsoft.ML.RemBert.Tokenization;

/// <summary>A range of raw text: either ordinary text for SentencePiece (<see cref="SpecialId"/> = -1) or one special token.</summary>
internal readonly record struct RawSegment(int Start, int End, int SpecialId)
{
    public const int NotSpecial = -1;
    public bool IsSpecial => SpecialId != NotSpecial;
}
