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

/// <summary>
/// sentencepiece's PopulateSentencePieceText: turns model pieces into output pieces. With byte fallback an unknown
/// piece becomes one &lt;0xXX&gt; piece per UTF-8 byte (only the last one carrying the surface); without it, consecutive
/// unknown pieces merge into one.
/// </summary>
internal static class PieceAssembler
{
    public static void Assemble<TSink>(EncoderScratch scratch, ReadOnlySpan<byte> normalized, SentencePieceVocabulary vocabulary, ref TSink sink)
        where TSink : struct, IPieceSink
    {
        var types = vocabulary.Types;
        var byteIds = vocabulary.BytePieceIds;
        var byteFallback = byteIds.Length > 0;
        var previousUnknown = false;
        for (var k = 0; k < scratch.PieceCount; k++)
        {
            var id = scratch.PieceId[k];
            var start = scratch.PieceStart[k];
            var end = start + scratch.PieceLength[k];
            var unknown = types[id] == PieceType.Unknown;
            if (unknown && byteFallback)
            {
                for (var b = start; b < end; b++) sink.Add(byteIds[normalized[b]], start, end, empty: b != end - 1);
            }
            else if (unknown && previousUnknown)
            {
                sink.ExtendLast(end);
            }
            else
            {
                sink.Add(id, start, end, empty: false);
            }
            previousUnknown = unknown;
        }
    }
}

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

/// <summary>
/// Produces <see cref="SentencePieceToken"/>s with UTF-16 offsets into the original text: the span from the first to
/// the last non-whitespace-symbol byte of the piece, mapped through the normalizer's alignment; a piece made only of
/// whitespace symbols (or a byte piece without surface) is empty, placed where its source begins.
/// </summary>
internal struct TokenSink : IPieceSink
{
    private readonly EncoderScratch _scratch;
    private readonly List<SentencePieceToken> _output;
    private int _lastStart;

    public TokenSink(EncoderScratch scratch, List<SentencePieceToken> output)
    {
        _scratch = scratch;
        _output = output;
        _lastStart = 0;
    }

    public void Add(int id, int start, int end, bool empty)
    {
        var (from, to) = OriginalSpan(start, end);
        _output.Add(new SentencePieceToken(id, from, empty ? 0 : to - from));
        _lastStart = start;
    }

    public void ExtendLast(int end)
    {
        var last = _output[^1];
        var (from, to) = OriginalSpan(_lastStart, end);
        _output[^1] = last with { Start = from, Length = to - from };
    }

    private readonly (int From, int To) OriginalSpan(int start, int end)
    {
        var sourceStart = _scratch.NormalizedSourceStart;
        var sourceEnd = _scratch.NormalizedSourceEnd;
        var first = start;
        while (first < end && sourceEnd[first] < 0) first++;
        if (first == end)
        {
            var at = _scratch.Utf16Start[sourceStart[start]];
            return (at, at);
        }
        var last = end - 1;
        while (sourceEnd[last] < 0) last--;
        var fromByte = sourceStart[first];
        var toByte = sourceEnd[last];
        var from = _scratch.Utf16Start[fromByte];
        var to = toByte > fromByte ? _scratch.Utf16End[toByte - 1] : from;
        return (from, to);
    }
}
