using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Microsoft.ML.RemBert.Modeling;

/// <summary>The feed-forward expansion hidden → intermediate with <c>hidden_act</c> (transformers' RemBertIntermediate).</summary>
public sealed class RemBertIntermediate : nn.Module<Tensor, Tensor>
{
#pragma warning disable IDE1006 // field names are the state-dict names
    private readonly Linear dense;
    private readonly nn.Module<Tensor, Tensor> intermediate_act_fn;
#pragma warning restore IDE1006

    /// <summary>Builds the expansion from a configuration.</summary>
    public RemBertIntermediate(RemBertConfig config) : base(nameof(RemBertIntermediate))
    {
        dense = TransposedLinear.Create(config.HiddenSize, config.IntermediateSize, config.ParameterType);
        intermediate_act_fn = RemBertActivation.Create(config.HiddenAct);
        RegisterComponents();
    }

    /// <summary>act(dense(x)).</summary>
    public override Tensor forward(Tensor hidden_states)
    {
        using var scope = NewDisposeScope();
        return intermediate_act_fn.forward(PrecisionOps.Linear(dense, hidden_states)).MoveToOuterDisposeScope();
    }
}
