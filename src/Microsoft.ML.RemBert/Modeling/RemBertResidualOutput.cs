using Microsoft.ML.RemBert.Runtime;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Microsoft.ML.RemBert.Modeling;

/// <summary>
/// A dense projection, dropout, and a residual LayerNorm (post-LN): LayerNorm(dropout(dense(x)) + residual).
/// transformers' RemBertSelfOutput (after attention) and RemBertOutput (after the feed-forward layer) have this shape
/// and differ only in the input width, so both derive from this class.
/// </summary>
public abstract class RemBertResidualOutput : nn.Module<Tensor, Tensor, Tensor>
{
#pragma warning disable IDE1006 // field names are the state-dict names
    private readonly Linear dense;
    private readonly LayerNorm LayerNorm;
    private readonly Dropout dropout;
#pragma warning restore IDE1006

    /// <summary>Builds the projection from <paramref name="inputSize"/> to <c>hidden_size</c>.</summary>
    protected RemBertResidualOutput(string name, RemBertConfig config, long inputSize) : base(name)
    {
        dense = TransposedLinear.Create(inputSize, config.HiddenSize, config.ParameterType);
        LayerNorm = nn.LayerNorm(config.HiddenSize, eps: config.LayerNormEps, dtype: config.ParameterType);
        dropout = nn.Dropout(config.HiddenDropoutProb);
        RegisterComponents();
    }

    /// <summary>LayerNorm(dropout(dense(<paramref name="hidden_states"/>)) + <paramref name="input_tensor"/>).</summary>
    public override Tensor forward(Tensor hidden_states, Tensor input_tensor)
    {
        using var scope = NewDisposeScope();
        var projected = dropout.forward(PrecisionOps.Linear(dense, hidden_states));
        return PrecisionOps.LayerNorm(LayerNorm, projected.add(input_tensor, HeldScalars.One)).MoveToOuterDisposeScope();
    }
}
