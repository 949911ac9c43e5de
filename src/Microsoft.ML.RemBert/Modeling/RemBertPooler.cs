using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Microsoft.ML.RemBert.Modeling;

/// <summary>tanh(dense(hidden state of the first token)) (transformers' RemBertPooler).</summary>
public sealed class RemBertPooler : nn.Module<Tensor, Tensor>
{
#pragma warning disable IDE1006 // field names are the state-dict names
    private readonly Linear dense;
#pragma warning restore IDE1006

    /// <summary>Builds the hidden → hidden projection.</summary>
    public RemBertPooler(RemBertConfig config) : base(nameof(RemBertPooler))
    {
        dense = nn.Linear(config.HiddenSize, config.HiddenSize, dtype: config.ParameterType);
        RegisterComponents();
    }

    /// <summary>Pools [batch, seq, hidden] to [batch, hidden].</summary>
    public override Tensor forward(Tensor hidden_states)
    {
        using var scope = NewDisposeScope();
        var firstToken = hidden_states.select(1, 0);
        return PrecisionOps.Linear(dense, firstToken).tanh().MoveToOuterDisposeScope();
    }
}
