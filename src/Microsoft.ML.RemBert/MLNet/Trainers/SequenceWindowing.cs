using Microsoft.ML.RemBert.Tokenization;

namespace Microsoft.ML.RemBert.MLNet.Trainers;

/// <summary>
/// <see cref="Microsoft.ML.RemBert.Trainers.LongTextStrategy.Windows"/>: a text longer than one model input becomes
/// overlapping windows, as transformers' tokenizers make them with <c>return_overflowing_tokens=True</c> and
/// <c>stride</c> (a window every <c>window - Stride</c> tokens until the text's end), at most <see cref="MaxWindows"/>
/// per row. One text: <c>[CLS] window [SEP]</c>. A pair: the second text is windowed (transformers'
/// <c>only_second</c>) and the first is repeated in every window, itself truncated to half of the input when the two
/// do not fit together, so the second always keeps at least half. Only the tokens the windows can hold are tokenized,
/// so a huge row costs what <see cref="MaxWindows"/> windows cost. A text that fits gives the one encoding
/// <see cref="Microsoft.ML.RemBert.Trainers.LongTextStrategy.Truncate"/> gives. Immutable, thread-safe.
/// </summary>
internal sealed record SequenceWindowing(int Stride, int MaxWindows)
{
    /// <summary>Throws naming the option when <paramref name="stride"/> or <paramref name="maxWindows"/> cannot work with <paramref name="maxSequenceLength"/>.</summary>
    public static void Validate(int maxSequenceLength, int stride, int maxWindows, bool hasPair)
    {
        if (maxWindows < 1)
            throw new ArgumentOutOfRangeException("MaxWindows", maxWindows, $"MaxWindows is {maxWindows}; it must be at least 1.");
        int windowTokens = hasPair ? PairWindowTokens(maxSequenceLength) : maxSequenceLength - 2;
        if (stride < 0 || stride >= windowTokens)
            throw new ArgumentOutOfRangeException("Stride", stride, hasPair
                ? $"Stride is {stride}; with a text pair it must be at least 0 and less than {windowTokens}, the second text's tokens in a window of MaxSequenceLength {maxSequenceLength} when the first takes half."
                : $"Stride is {stride}; it must be at least 0 and less than MaxSequenceLength - 2 = {windowTokens} (the tokens of a window besides [CLS] and [SEP]).");
    }

    /// <summary>The fewest tokens of the second text a pair's window holds: what is left when the first takes half of the input.</summary>
    private static int PairWindowTokens(int maxSequenceLength) => PairBudget(maxSequenceLength) - PairBudget(maxSequenceLength) / 2;

    // Text tokens of a pair's input besides [CLS] A [SEP] B [SEP]'s three special tokens.
    private static int PairBudget(int maxSequenceLength) => maxSequenceLength - 3;

    /// <summary>The windows of <paramref name="text"/> (and <paramref name="pair"/>), each at most <paramref name="maxSequenceLength"/> tokens.</summary>
    public EncodedSequence[] Encode(RemBertTokenizer tokenizer, string text, string? pair, int maxSequenceLength)
    {
        if (pair is null)
        {
            int window = maxSequenceLength - 2;
            var pieces = Pieces(tokenizer, text, Covered(window));
            return Spans(pieces.Length, window).Select(span => Assemble(tokenizer, pieces.AsSpan(span.Start, span.Length), default, hasPair: false)).ToArray();
        }
        int budget = PairBudget(maxSequenceLength);
        var first = Pieces(tokenizer, text, budget);
        // A window of the second text never holds more than the whole budget: that bounds what is tokenized.
        var second = Pieces(tokenizer, pair, budget * MaxWindows);
        int firstKept = Math.Min(first.Length, Math.Max(budget / 2, budget - second.Length));
        int secondWindow = budget - firstKept;
        int secondKept = Math.Min(second.Length, Covered(secondWindow));
        return Spans(secondKept, secondWindow)
            .Select(span => Assemble(tokenizer, first.AsSpan(0, firstKept), second.AsSpan(span.Start, span.Length), hasPair: true))
            .ToArray();
    }

    // Tokens that MaxWindows windows of `window` tokens cover.
    private int Covered(int window) => window + (MaxWindows - 1) * (window - Stride);

    // The windows over `count` tokens: the tokenizer's own overflow plan (one window when they fit).
    private IReadOnlyList<TokenWindow> Spans(int count, int window) => count <= window
        ? [TokenWindow.Whole(count)]
        : TruncationPlanner.Windows(count, window, "second", new RemBertEncodeOptions { ReturnOverflowing = true, Stride = Stride });

    // The text's pieces without special tokens, tokenizing only what the first `limit` of them need.
    private static int[] Pieces(RemBertTokenizer tokenizer, string text, int limit)
        => tokenizer.Encode(text, null, new RemBertEncodeOptions { AddSpecialTokens = false, MaxLength = limit, Truncation = TruncationStrategy.OnlyFirst }).InputIds;

    // [CLS] first [SEP] (second [SEP]) with transformers' token types: 0 up to the first [SEP], 1 after it.
    private static EncodedSequence Assemble(RemBertTokenizer tokenizer, ReadOnlySpan<int> first, ReadOnlySpan<int> second, bool hasPair)
    {
        int firstLength = first.Length + 2;
        var ids = new int[firstLength + (hasPair ? second.Length + 1 : 0)];
        var types = new int[ids.Length];
        ids[0] = tokenizer.ClsTokenId;
        first.CopyTo(ids.AsSpan(1));
        ids[firstLength - 1] = tokenizer.SepTokenId;
        if (hasPair)
        {
            second.CopyTo(ids.AsSpan(firstLength));
            ids[^1] = tokenizer.SepTokenId;
            types.AsSpan(firstLength).Fill(1);
        }
        return new EncodedSequence(ids, types);
    }
}
