namespace Microsoft.ML.RemBert.Tokenization;

/// <summary>transformers' <c>truncate_sequences</c> on token counts, plus the overflowing windows its fast tokenizers
/// return (a window of the allowed length every <c>allowed - stride</c> tokens until the sequence's end is covered).</summary>
internal static class TruncationPlanner
{
    /// <summary>Plans which tokens of the first sequence (<paramref name="firstCount"/> tokens) and the optional pair
    /// (<paramref name="secondCount"/> tokens, null without a pair) fit <see cref="RemBertEncodeOptions.MaxLength"/>.</summary>
    public static TruncationPlan Plan(int firstCount, int? secondCount, int specialTokenCount, RemBertEncodeOptions options)
    {
        var hasPair = secondCount.HasValue;
        var second = secondCount ?? 0;
        var whole = new TruncationPlan([TokenWindow.Whole(firstCount)], [TokenWindow.Whole(second)]);
        if (options.ReturnOverflowing && options.Truncation == TruncationStrategy.LongestFirst && hasPair)
            throw new ArgumentException(
                "Overflowing tokens cannot be returned for a pair of sequences with the LongestFirst truncation (as in transformers): " +
                "use OnlySecond (question answering: the pair is the context) or OnlyFirst.", nameof(options));
        if (options.MaxLength is not int maxLength || options.Truncation == TruncationStrategy.DoNotTruncate) return whole;
        if (maxLength < specialTokenCount)
            throw new ArgumentOutOfRangeException(nameof(options),
                $"MaxLength {maxLength} leaves no room for text: the special tokens alone take {specialTokenCount}.");

        var toRemove = firstCount + second + specialTokenCount - maxLength;
        if (toRemove <= 0) return whole;

        var strategy = options.Truncation == TruncationStrategy.LongestFirst && !hasPair ? TruncationStrategy.OnlyFirst : options.Truncation;
        switch (strategy)
        {
            case TruncationStrategy.OnlyFirst:
                RequireRoom(options.Truncation, "first", firstCount, toRemove, maxLength, firstCount, second, specialTokenCount);
                return whole with { FirstWindows = Windows(firstCount, firstCount - toRemove, "first", options) };
            case TruncationStrategy.OnlySecond:
                if (!hasPair)
                    throw new ArgumentException($"OnlySecond truncation needs a text pair, but only one text ({firstCount} tokens) was given for MaxLength {maxLength}.", nameof(options));
                RequireRoom(options.Truncation, "second", second, toRemove, maxLength, firstCount, second, specialTokenCount);
                return whole with { SecondWindows = Windows(second, second - toRemove, "second", options) };
            default:
                var (firstKept, secondKept) = LongestFirst(firstCount, second, toRemove);
                return new TruncationPlan([TokenWindow.Whole(firstKept)], [TokenWindow.Whole(secondKept)]);
        }
    }

    /// <summary>Removes one token at a time from the end of the longer sequence; on a tie, from the second
    /// (transformers' closed form of this loop gives the same split).</summary>
    private static (int First, int Second) LongestFirst(int first, int second, int toRemove)
    {
        for (; toRemove > 0; toRemove--)
        {
            if (first > second) first--;
            else second--;
        }
        return (first, second);
    }

    /// <summary>transformers requires the truncated sequence to keep at least one token (it logs an error and returns the
    /// input unchanged otherwise); here that is an exception naming the strategy and the lengths.</summary>
    private static void RequireRoom(TruncationStrategy strategy, string which, int count, int toRemove, int maxLength,
        int firstCount, int secondCount, int specialTokenCount)
    {
        if (count > toRemove) return;
        throw new ArgumentException(
            $"{strategy} truncation cannot fit MaxLength {maxLength}: {toRemove} tokens must be removed but the {which} sequence has only {count} " +
            $"(first {firstCount}, second {secondCount}, special {specialTokenCount}). Choose another truncation strategy or a larger MaxLength.");
    }

    /// <summary>The first window alone, or with <see cref="RemBertEncodeOptions.ReturnOverflowing"/> all windows of
    /// <paramref name="allowed"/> tokens starting every <c>allowed - stride</c> tokens until the last token is covered.</summary>
    internal static IReadOnlyList<TokenWindow> Windows(int count, int allowed, string which, RemBertEncodeOptions options)
    {
        if (!options.ReturnOverflowing) return [new TokenWindow(0, allowed)];
        if (options.Stride >= allowed)
            throw new ArgumentException(
                $"Stride {options.Stride} must be smaller than the {allowed} tokens of the {which} sequence that fit MaxLength {options.MaxLength}.", nameof(options));

        var windows = new List<TokenWindow>();
        var step = allowed - options.Stride;
        for (var start = 0; ; start += step)
        {
            var end = Math.Min(start + allowed, count);
            windows.Add(new TokenWindow(start, end - start));
            if (end == count) return windows;
        }
    }
}
