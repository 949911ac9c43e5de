namespace Microsoft.ML.RemBert.Tokenization;

/// <summary>How encodings are right-padded with the pad token (transformers' <c>padding=</c> values).</summary>
public enum PaddingStrategy
{
    /// <summary>No padding.</summary>
    DoNotPad,
    /// <summary>Pads every encoding of a batch to the longest one (a single encoding is its own longest).</summary>
    Longest,
    /// <summary>Pads to <see cref="RemBertEncodeOptions.MaxLength"/>, or to <see cref="RemBertTokenizerOptions.ModelMaxLength"/> when that is null.</summary>
    MaxLength,
}
