namespace Microsoft.ML.RemBert.Tokenization;

/// <summary>Which tokens of each sequence go into each encoding: one encoding per (first window, second window)
/// combination; at most one of the two lists has more than one window (the overflowing ones).</summary>
internal sealed record TruncationPlan(IReadOnlyList<TokenWindow> FirstWindows, IReadOnlyList<TokenWindow> SecondWindows);
