using Microsoft.ML.RemBert.Runtime;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Microsoft.ML.RemBert.Modeling;

/// <summary>
/// Multi-head scaled dot-product self-attention (transformers' RemBertSelfAttention): softmax(QKᵀ/√d + mask)·V per
/// head. The additive mask already carries padding and, for decoders, causality (see <see cref="RemBertAttentionMask"/>).
/// </summary>
public sealed class RemBertSelfAttention : nn.Module<Tensor, Tensor, Tensor>
{
#pragma warning disable IDE1006 // field names are the state-dict names
    private readonly Linear query;
    private readonly Linear key;
    private readonly Linear value;
    private readonly Dropout dropout;
#pragma warning restore IDE1006
    private readonly long _numHeads;
    private readonly long _headSize;
    private readonly double _dropoutProbability;
    private readonly RemBertAttentionImplementation _implementation;

    /// <summary>Builds the query/key/value projections from a configuration.</summary>
    public RemBertSelfAttention(RemBertConfig config) : base(nameof(RemBertSelfAttention))
    {
        _numHeads = config.NumAttentionHeads;
        _headSize = config.AttentionHeadSize;
        _dropoutProbability = config.AttentionProbsDropoutProb;
        _implementation = config.AttentionImplementation;
        var allHeadSize = _numHeads * _headSize;
        query = TransposedLinear.Create(config.HiddenSize, allHeadSize, config.ParameterType);
        key = TransposedLinear.Create(config.HiddenSize, allHeadSize, config.ParameterType);
        value = TransposedLinear.Create(config.HiddenSize, allHeadSize, config.ParameterType);
        dropout = nn.Dropout(config.AttentionProbsDropoutProb);
        RegisterComponents();
    }

    /// <summary>Attends over <paramref name="hidden_states"/> [batch, seq, hidden].</summary>
    /// <param name="hidden_states">[batch, seq, hidden].</param>
    /// <param name="attention_mask">Additive mask broadcastable to [batch, heads, seq, seq]: 0 to keep, the dtype's minimum to drop.</param>
    /// <returns>The context layer, [batch, seq, hidden].</returns>
    public override Tensor forward(Tensor hidden_states, Tensor attention_mask)
    {
        using var scope = NewDisposeScope();
        var q = SplitHeads(PrecisionOps.Linear(query, hidden_states));
        var k = SplitHeads(PrecisionOps.Linear(key, hidden_states));
        var v = SplitHeads(PrecisionOps.Linear(value, hidden_states));
        var context = _implementation == RemBertAttentionImplementation.ScaledDotProduct
            // The fused kernel scales by 1/√d and adds a float mask exactly like the eager path; dropout only while training.
            // In bfloat16, libtorch's kernel accumulates the scores and the softmax in float32 itself.
            ? nn.functional.scaled_dot_product_attention(q, k, v, attention_mask, training ? _dropoutProbability : 0.0)
            : EagerAttention(q, k, v, attention_mask);
        return MergeHeads(context).MoveToOuterDisposeScope();
    }

    private Tensor EagerAttention(Tensor q, Tensor k, Tensor v, Tensor attention_mask)
    {
        using var scale = Math.Sqrt(_headSize).ToScalar();
        var scores = matmul(q, k.transpose(-1, -2)).div(scale).add(attention_mask, HeldScalars.One);
        // Softmax in float32 (exact in a float32 model), back to V's type for the second matmul.
        var probabilities = dropout.forward(PrecisionOps.Softmax(scores, v.dtype));
        return matmul(probabilities, v);
    }

    /// <summary>[batch, seq, heads·d] → [batch, heads, seq, d].</summary>
    private Tensor SplitHeads(Tensor x) => x.view(x.shape[0], x.shape[1], _numHeads, _headSize).permute(0, 2, 1, 3);

    /// <summary>[batch, heads, seq, d] → [batch, seq, heads·d].</summary>
    private Tensor MergeHeads(Tensor x) =>
        x.permute(0, 2, 1, 3).contiguous().view(x.shape[0], x.shape[2], _numHeads * _headSize);
}
