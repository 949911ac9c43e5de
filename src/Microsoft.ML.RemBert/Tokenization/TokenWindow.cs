namespace Microsoft.ML.RemBert.Tokenization;

/// <summary>A contiguous run <c>[Start, Start + Length)</c> of a sequence's tokens that goes into one encoding.</summary>
internal readonly record struct TokenWindow(int Start, int Length)
{
    public static TokenWindow Whole(int count) => new(0, count);
}

/// <summary>Which tokens of each sequence go into each encoding: one encoding per (first window, second window)
/// combination; at most one of the two lists has more than one window (the overflowing ones).</summary>
internal sealed record TruncationPlan(IReadOnlyList<TokenWindow> FirstWindows, IReadOnlyList<TokenWindow> SecondWindows);
