using System.Buffers;

namespace Microsoft.ML.RemBert.Tokenization;

/// <summary>Splits raw text on special tokens the way transformers' <c>PreTrainedTokenizer.tokenize</c> does with its
/// added-tokens trie: leftmost match first, the longest token on ties; then each token's lstrip/rstrip trims the
/// whitespace of the neighbouring text, and text left empty is dropped.</summary>
internal sealed class SpecialTokenSplitter
{
    private readonly SpecialToken[] _tokensLongestFirst;
    private readonly SearchValues<char> _firstChars;

    public SpecialTokenSplitter(IEnumerable<SpecialToken> tokens)
    {
        _tokensLongestFirst = tokens.DistinctBy(t => t.Content).OrderByDescending(t => t.Content.Length).ToArray();
        _firstChars = SearchValues.Create(_tokensLongestFirst.Select(t => t.Content[0]).Distinct().ToArray());
    }

    /// <summary>The segments of <paramref name="text"/> in order.</summary>
    public List<RawSegment> Split(string text)
    {
        var matches = FindMatches(text);
        var segments = new List<RawSegment>(2 * matches.Count + 1);
        var textStart = 0;
        for (var m = 0; m < matches.Count; m++)
        {
            var (start, token) = matches[m];
            var textEnd = start;
            if (token.LeftStrip) textEnd = TrimEnd(text, textStart, textEnd);
            AddText(segments, textStart, textEnd);
            segments.Add(new RawSegment(start, start + token.Content.Length, token.Id));
            textStart = start + token.Content.Length;
            if (token.RightStrip)
            {
                var nextBoundary = m + 1 < matches.Count ? matches[m + 1].Start : text.Length;
                textStart = TrimStart(text, textStart, nextBoundary);
            }
        }
        AddText(segments, textStart, text.Length);
        return segments;
    }

    private List<(int Start, SpecialToken Token)> FindMatches(string text)
    {
        var matches = new List<(int, SpecialToken)>();
        var position = 0;
        while (position < text.Length)
        {
            var offset = text.AsSpan(position).IndexOfAny(_firstChars);
            if (offset < 0) break;
            position += offset;
            var found = false;
            foreach (var token in _tokensLongestFirst)
            {
                if (!text.AsSpan(position).StartsWith(token.Content, StringComparison.Ordinal)) continue;
                matches.Add((position, token));
                position += token.Content.Length;
                found = true;
                break;
            }
            if (!found) position++;
        }
        return matches;
    }

    private static void AddText(List<RawSegment> segments, int start, int end)
    {
        if (end > start) segments.Add(new RawSegment(start, end, RawSegment.NotSpecial));
    }

    private static int TrimEnd(string text, int start, int end)
    {
        while (end > start && PythonText.IsSpace(text[end - 1])) end--;
        return end;
    }

    private static int TrimStart(string text, int start, int end)
    {
        while (start < end && PythonText.IsSpace(text[start])) start++;
        return start;
    }
}
