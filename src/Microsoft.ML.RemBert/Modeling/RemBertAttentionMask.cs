using Microsoft.ML.RemBert.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.RemBert.Modeling;

/// <summary>
/// Turns a 0/1 attention mask into the additive mask self-attention adds to its scores, as transformers'
/// <c>get_extended_attention_mask</c> does: 0 where a query may attend to a key, the dtype's most negative finite
/// value where it may not; for decoders, also where the key lies after the query (causal).
/// </summary>
public static class RemBertAttentionMask
{
    private const int PaddingMaskRank = 2;
    private const int PerQueryMaskRank = 3;

    /// <summary>Builds the additive mask.</summary>
    /// <param name="attention_mask">[batch, seq] (1 = real token, 0 = padding) or [batch, seq, seq] per query; any numeric or bool dtype.</param>
    /// <param name="isDecoder">Adds the causal (lower-triangular) constraint to a [batch, seq] mask.</param>
    /// <param name="dtype">The floating dtype of the attention scores.</param>
    /// <returns>[batch, 1, 1, seq] for an encoder with a 2-D mask, otherwise [batch, 1, seq, seq].</returns>
    public static Tensor Extend(Tensor attention_mask, bool isDecoder, ScalarType dtype)
    {
        using var scope = NewDisposeScope();
        var keep = attention_mask.dim() switch
        {
            PaddingMaskRank => attention_mask.to_type(dtype).unsqueeze(1).unsqueeze(1),
            PerQueryMaskRank => attention_mask.to_type(dtype).unsqueeze(1),
            _ => throw new ArgumentException(
                $"attention_mask must be [batch, seq] or [batch, seq, seq]; got shape [{string.Join(", ", attention_mask.shape)}].",
                nameof(attention_mask)),
        };
        // As in transformers, a [batch, seq, seq] mask is taken as given: it already says what each query may see.
        if (isDecoder && attention_mask.dim() == PaddingMaskRank)
        {
            var length = attention_mask.shape[^1];
            keep = keep * ones(length, length, dtype: dtype, device: attention_mask.device).tril();
        }
        // (1.0 - keep) * min, with scalars held through the calls (Runtime/HeldScalars): TorchSharp's 1.0 - t is
        // t.negative().add(1.0, alpha: 1).
        using var min = finfo(dtype).min.ToScalar();
        return keep.negative().add(HeldScalars.OneDouble, HeldScalars.One).mul(min).MoveToOuterDisposeScope();
    }
}
