namespace Microsoft.ML.RemBert.Modeling;

/// <summary>
/// The floating-point precision a RemBERT model is stored or computed in. bfloat16 has float32's range with an 8-bit
/// mantissa: half the memory, and about twice the matmul rate on CPUs with AVX512-BF16/AMX and on recent GPUs.
/// </summary>
public enum RemBertPrecision
{
    /// <summary>Everything in float32 (the default): transformers' reference numbers.</summary>
    Float32,

    /// <summary>
    /// bfloat16. For a loaded model (inference), the weights are stored in bfloat16, with LayerNorm, softmax and the
    /// final scores computed in float32. For training, mixed precision: float32 master weights and optimizer state,
    /// bfloat16 matmuls, float32 loss (see <see cref="RemBertAutocast"/>).
    /// </summary>
    BFloat16,
}
