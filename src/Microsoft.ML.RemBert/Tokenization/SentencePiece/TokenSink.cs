using System.Runtime.CompilerServices;

namespace Microsoft.ML.RemBert.Tokenization.SentencePiece;

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
