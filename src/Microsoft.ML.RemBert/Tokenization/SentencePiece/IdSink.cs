using System.Runtime.CompilerServices;

namespace Microsoft.ML.RemBert.Tokenization.SentencePiece;

/// <summary>Collects ids only (EncodeToIds).</summary>
internal struct IdSink : IPieceSink
{
    private readonly EncoderScratch _scratch;

    public IdSink(EncoderScratch scratch) => _scratch = scratch;

    public int Count { get; private set; }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Add(int id, int start, int end, bool empty)
    {
        if (Count == _scratch.Ids.Length) Array.Resize(ref _scratch.Ids, Count * 2);
        _scratch.Ids[Count++] = id;
    }

    public readonly void ExtendLast(int end) { }
}
