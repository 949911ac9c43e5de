using static TorchSharp.torch;

namespace Microsoft.ML.RemBert.Modeling;

/// <summary>Checks forward-pass inputs up front, so a wrong shape or dtype fails with the argument named, not deep inside libtorch.</summary>
internal static class RemBertInputs
{
    /// <summary>Rank of [batch, seq] inputs.</summary>
    public const int SequenceRank = 2;

    /// <summary>Rank of [batch, choices, seq] multiple-choice inputs.</summary>
    public const int ChoicesRank = 3;

    public static void Check(Tensor input_ids, Tensor? attention_mask, Tensor? token_type_ids, int rank)
    {
        ArgumentNullException.ThrowIfNull(input_ids);
        if (input_ids.dim() != rank)
            throw new ArgumentException($"input_ids must have rank {rank}; got shape {Shape(input_ids)}.", nameof(input_ids));
        if (input_ids.dtype is not (ScalarType.Int64 or ScalarType.Int32))
            throw new ArgumentException($"input_ids must be int64 or int32; got {input_ids.dtype}.", nameof(input_ids));
        // A [batch, seq, seq] mask (what each query may see) is accepted as in transformers.
        var perQueryMask = attention_mask is not null && rank == SequenceRank
            && attention_mask.shape.SequenceEqual(input_ids.shape.Append(input_ids.shape[^1]));
        if (!perQueryMask) CheckSameShape(input_ids, attention_mask, nameof(attention_mask));
        CheckSameShape(input_ids, token_type_ids, nameof(token_type_ids));
    }

    private static void CheckSameShape(Tensor input_ids, Tensor? other, string name)
    {
        if (other is not null && !other.shape.SequenceEqual(input_ids.shape))
            throw new ArgumentException($"{name} has shape {Shape(other)} but input_ids has {Shape(input_ids)}.", name);
    }

    public static string Shape(Tensor t) => $"[{string.Join(", ", t.shape)}]";
}
