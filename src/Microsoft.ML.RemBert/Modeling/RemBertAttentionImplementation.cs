namespace Microsoft.ML.RemBert.Modeling;

/// <summary>How self-attention computes softmax(QKᵀ/√d + mask)·V. Both give transformers' numbers.</summary>
public enum RemBertAttentionImplementation
{
    /// <summary>libtorch's fused <c>scaled_dot_product_attention</c> (faster, less memory); the default.</summary>
    ScaledDotProduct,

    /// <summary>The explicit matmul–softmax–matmul of transformers' RemBertSelfAttention ("eager").</summary>
    Eager,
}
