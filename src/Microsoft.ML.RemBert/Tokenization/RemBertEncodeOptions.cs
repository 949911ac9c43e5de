namespace Microsoft.ML.RemBert.Tokenization;

/// <summary>Per-call options of <see cref="RemBertTokenizer.Encode"/> (transformers' <c>__call__</c> keyword arguments).</summary>
public sealed record RemBertEncodeOptions
{
    /// <summary>Wraps the sequences as <c>[CLS] A [SEP]</c> or <c>[CLS] A [SEP] B [SEP]</c>.</summary>
    public bool AddSpecialTokens { get; init; } = true;

    /// <summary>Maximum length of an encoding, special tokens included. Null: nothing is truncated.</summary>
    public int? MaxLength { get; init; }

    /// <summary>How to shorten inputs longer than <see cref="MaxLength"/>.</summary>
    public TruncationStrategy Truncation { get; init; } = TruncationStrategy.LongestFirst;

    /// <summary>How to pad.</summary>
    public PaddingStrategy Padding { get; init; } = PaddingStrategy.DoNotPad;

    /// <summary>Number of tokens consecutive overflowing windows share (question answering context windows).</summary>
    public int Stride { get; init; }

    /// <summary>Also returns the truncated-away tokens as further windows in <see cref="RemBertEncoding.Overflowing"/>.</summary>
    public bool ReturnOverflowing { get; init; }
}
