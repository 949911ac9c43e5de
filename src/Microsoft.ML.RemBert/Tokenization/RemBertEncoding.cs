namespace Microsoft.ML.RemBert.Tokenization;

/// <summary>One model input produced by <see cref="RemBertTokenizer.Encode"/>: all arrays have the same length.</summary>
public sealed class RemBertEncoding
{
    /// <summary>Sequence id of special and padding tokens in <see cref="SequenceIds"/>.</summary>
    internal const int NoSequence = -1;

    internal RemBertEncoding(int[] inputIds, int[] tokenTypeIds, int[] attentionMask, int[] specialTokensMask,
        (int Start, int End)[] offsets, int[] sequenceIds, IReadOnlyList<RemBertEncoding>? overflowing = null)
    {
        var length = inputIds.Length;
        if (tokenTypeIds.Length != length || attentionMask.Length != length || specialTokensMask.Length != length
            || offsets.Length != length || sequenceIds.Length != length)
            throw new ArgumentException($"Every array of an encoding must have the {length} entries of its input ids.");
        InputIds = inputIds;
        TokenTypeIds = tokenTypeIds;
        AttentionMask = attentionMask;
        SpecialTokensMask = specialTokensMask;
        Offsets = offsets;
        SequenceIds = sequenceIds;
        Overflowing = overflowing ?? [];
    }

    /// <summary>Vocabulary ids, special tokens and padding included.</summary>
    public int[] InputIds { get; }

    /// <summary>0 for <c>[CLS] A [SEP]</c> and padding, 1 for <c>B [SEP]</c>.</summary>
    public int[] TokenTypeIds { get; }

    /// <summary>1 for real tokens, 0 for padding.</summary>
    public int[] AttentionMask { get; }

    /// <summary>1 for the added special tokens and padding, 0 for tokens of the texts (special tokens typed in the text included).</summary>
    public int[] SpecialTokensMask { get; }

    /// <summary>Character ranges <c>[Start, End)</c> into the original text of each token's sequence; (0,0) for added special tokens and padding.</summary>
    public (int Start, int End)[] Offsets { get; }

    /// <summary>0 for tokens of the text, 1 for tokens of the pair, -1 for added special tokens and padding.</summary>
    public int[] SequenceIds { get; }

    /// <summary>The further windows when <see cref="RemBertEncodeOptions.ReturnOverflowing"/> was set (each a complete
    /// encoding with its own special tokens and padding); empty otherwise.</summary>
    public IReadOnlyList<RemBertEncoding> Overflowing { get; }

    internal int Length => InputIds.Length;

    /// <summary>This encoding right-padded to <paramref name="length"/> (unchanged when already as long).</summary>
    internal RemBertEncoding PadTo(int length, int padTokenId)
    {
        if (length <= Length) return this;
        const int PadTokenTypeId = 0, PadAttention = 0, PadIsSpecial = 1;
        return new RemBertEncoding(
            Extend(InputIds, length, padTokenId),
            Extend(TokenTypeIds, length, PadTokenTypeId),
            Extend(AttentionMask, length, PadAttention),
            Extend(SpecialTokensMask, length, PadIsSpecial),
            Extend(Offsets, length, (0, 0)),
            Extend(SequenceIds, length, NoSequence),
            Overflowing);
    }

    /// <summary>This encoding with <paramref name="overflowing"/> as its further windows.</summary>
    internal RemBertEncoding WithOverflowing(IReadOnlyList<RemBertEncoding> overflowing) =>
        new(InputIds, TokenTypeIds, AttentionMask, SpecialTokensMask, Offsets, SequenceIds, overflowing);

    private static T[] Extend<T>(T[] values, int length, T fill)
    {
        var extended = new T[length];
        values.CopyTo(extended, 0);
        extended.AsSpan(values.Length).Fill(fill);
        return extended;
    }
}
