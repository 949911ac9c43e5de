namespace Microsoft.ML.RemBert.Tokenization;

/// <summary>How <see cref="RemBertTokenizer.Encode"/> shortens inputs longer than <see cref="RemBertEncodeOptions.MaxLength"/>
/// (transformers' <c>truncation=</c> values).</summary>
public enum TruncationStrategy
{
    /// <summary>Removes one token at a time from the end of the longer sequence (from the pair on ties).</summary>
    LongestFirst,
    /// <summary>Removes tokens from the end of the first sequence only.</summary>
    OnlyFirst,
    /// <summary>Removes tokens from the end of the second sequence (the pair) only.</summary>
    OnlySecond,
    /// <summary>Never truncates, even past <see cref="RemBertEncodeOptions.MaxLength"/>.</summary>
    DoNotTruncate,
}
