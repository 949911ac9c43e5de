using System.Runtime.CompilerServices;

namespace Microsoft.ML.RemBert.Tokenization.SentencePiece;

/// <summary>Receives final pieces as spans of normalized bytes.</summary>
internal interface IPieceSink
{
    /// <summary>A piece covering normalized [start, end); <paramref name="empty"/> for byte pieces that carry no surface.</summary>
    void Add(int id, int start, int end, bool empty);

    /// <summary>The previous piece (an unknown) absorbs the next unknown, now ending at <paramref name="end"/>.</summary>
    void ExtendLast(int end);
}
