namespace Microsoft.ML.RemBert.Tokenization;

/// <summary>A contiguous run <c>[Start, Start + Length)</c> of a sequence's tokens that goes into one encoding.</summary>
internal readonly record struct TokenWindow(int Start, int Length)
{
    public static TokenWindow Whole(int count) => new(0, count);
}
