namespace Microsoft.ML.RemBert.Tokenization;

/// <summary>The text SentencePiece sees for one segment of raw text, and where each of its characters came from in the
/// original text, so that piece offsets can be reported against what the caller passed in.</summary>
internal sealed class PreprocessedSegment
{
    private readonly int _originalStart;
    private readonly int _originalEnd;
    private readonly int[]? _starts;
    private readonly int[]? _ends;

    /// <summary>An unchanged slice of the original text: offsets only shift by its start.</summary>
    public PreprocessedSegment(ReadOnlyMemory<char> text, int originalStart)
    {
        Text = text;
        _originalStart = originalStart;
        _originalEnd = originalStart + text.Length;
    }

    /// <summary>Rewritten text: character <c>i</c> came from original characters <c>[starts[i], ends[i])</c>.</summary>
    public PreprocessedSegment(string text, int[] starts, int[] ends, int originalEnd)
    {
        Text = text.AsMemory();
        _starts = starts;
        _ends = ends;
        _originalStart = starts.Length > 0 ? starts[0] : originalEnd;
        _originalEnd = originalEnd;
    }

    /// <summary>The text to hand to SentencePiece.</summary>
    public ReadOnlyMemory<char> Text { get; }

    /// <summary>The original-text range <c>[Start, End)</c> of the preprocessed characters <c>[start, start + length)</c>;
    /// an empty range sits at the original position of <paramref name="start"/>.</summary>
    public (int Start, int End) ToOriginal(int start, int length)
    {
        if (_starts is null || _ends is null) return (_originalStart + start, _originalStart + start + length);
        var originalStart = start < _starts.Length ? _starts[start] : _originalEnd;
        if (length == 0) return (originalStart, originalStart);
        return (originalStart, _ends[start + length - 1]);
    }
}
