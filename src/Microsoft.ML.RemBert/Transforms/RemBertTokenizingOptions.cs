using Microsoft.ML.RemBert.MLNet.Tokenization;
using Microsoft.ML.RemBert.Tokenization;

namespace Microsoft.ML.RemBert.Transforms;

/// <summary>
/// Options of <see cref="RemBertTokenizingEstimator"/>: which text column(s) to tokenize, the fixed length of the
/// output vectors, and the names of the three output columns. Outputs are vectors of <see cref="long"/> (Int64)
/// of exactly <see cref="MaxSequenceLength"/> items because TorchSharp's embedding lookups take int64 indices, so
/// a batch can be copied into a tensor without conversion.
/// </summary>
public sealed record RemBertTokenizingOptions
{
    /// <summary>Default name of the text column.</summary>
    public const string DefaultInputColumnName = "Text";

    /// <summary>Default fixed sequence length, RemBERT's <c>max_position_embeddings</c>.</summary>
    public const int DefaultMaxSequenceLength = 512;

    /// <summary>Text column to tokenize (the first sequence).</summary>
    public string InputColumnName { get; init; } = DefaultInputColumnName;

    /// <summary>Optional second text column, tokenized as the pair sequence (token type 1), or null.</summary>
    public string? SecondInputColumnName { get; init; }

    /// <summary>
    /// The largest <see cref="MaxSequenceLength"/> accepted: 65,536 positions, far beyond any RemBERT position table
    /// (google/rembert has 512), and small enough that one row's three vectors (1.5 MiB) cannot exhaust memory when a
    /// corrupt or hostile model zip asks for 2^31-1.
    /// </summary>
    public const int MaxSupportedSequenceLength = 1 << 16;

    /// <summary>Length of every output vector, including [CLS]/[SEP]; shorter encodings are padded with [PAD]. At most <see cref="MaxSupportedSequenceLength"/>.</summary>
    public int MaxSequenceLength { get; init; } = DefaultMaxSequenceLength;

    /// <summary>
    /// How to shorten encodings longer than <see cref="MaxSequenceLength"/>;
    /// <see cref="TruncationStrategy.DoNotTruncate"/> makes such a row an error.
    /// </summary>
    public TruncationStrategy Truncation { get; init; } = TruncationStrategy.LongestFirst;

    /// <summary>Output column of token ids (<c>input_ids</c>).</summary>
    public string InputIdsColumnName { get; init; } = "InputIds";

    /// <summary>Output column with 1 for real tokens and 0 for padding (<c>attention_mask</c>).</summary>
    public string AttentionMaskColumnName { get; init; } = "AttentionMask";

    /// <summary>Output column with 0 for the first sequence and 1 for the pair (<c>token_type_ids</c>).</summary>
    public string TokenTypeIdsColumnName { get; init; } = "TokenTypeIds";

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid option.</summary>
    internal void Validate()
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(InputColumnName, nameof(InputColumnName));
        if (SecondInputColumnName is not null)
            ArgumentException.ThrowIfNullOrWhiteSpace(SecondInputColumnName, nameof(SecondInputColumnName));
        ArgumentException.ThrowIfNullOrWhiteSpace(InputIdsColumnName, nameof(InputIdsColumnName));
        ArgumentException.ThrowIfNullOrWhiteSpace(AttentionMaskColumnName, nameof(AttentionMaskColumnName));
        ArgumentException.ThrowIfNullOrWhiteSpace(TokenTypeIdsColumnName, nameof(TokenTypeIdsColumnName));
        if (!Enum.IsDefined(Truncation))
            throw new ArgumentOutOfRangeException(nameof(Truncation), Truncation, "Unknown truncation strategy.");
        // [CLS] a [SEP] needs 3 positions, [CLS] a [SEP] b [SEP] needs 5: anything shorter cannot hold one token.
        int minimum = SecondInputColumnName is null ? MinimumSingleLength : MinimumPairLength;
        if (MaxSequenceLength < minimum)
            throw new ArgumentOutOfRangeException(nameof(MaxSequenceLength), MaxSequenceLength,
                $"MaxSequenceLength must be at least {minimum} (special tokens plus one token per sequence).");
        if (MaxSequenceLength > MaxSupportedSequenceLength)
            throw new ArgumentOutOfRangeException(nameof(MaxSequenceLength), MaxSequenceLength,
                $"MaxSequenceLength {MaxSequenceLength} is more than the {MaxSupportedSequenceLength} supported.");
        var outputs = new[] { InputIdsColumnName, AttentionMaskColumnName, TokenTypeIdsColumnName };
        if (outputs.Distinct(StringComparer.Ordinal).Count() != outputs.Length)
            throw new ArgumentException($"Output column names must differ: {string.Join(", ", outputs)}.");
    }

    private const int MinimumSingleLength = 3;
    private const int MinimumPairLength = 5;
}
