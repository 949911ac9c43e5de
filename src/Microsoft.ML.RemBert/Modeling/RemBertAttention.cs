using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.RemBert.Modeling;

/// <summary>Self-attention followed by its residual output (transformers' RemBertAttention: <c>self</c>, <c>output</c>).</summary>
public sealed class RemBertAttention : nn.Module<Tensor, Tensor, Tensor>
{
#pragma warning disable IDE1006 // field names are the state-dict names
    private readonly RemBertSelfAttention self;
    private readonly RemBertSelfOutput output;
#pragma warning restore IDE1006

    /// <summary>Builds both parts from a configuration.</summary>
    public RemBertAttention(RemBertConfig config) : base(nameof(RemBertAttention))
    {
        self = new RemBertSelfAttention(config);
        output = new RemBertSelfOutput(config);
        RegisterComponents();
    }

    /// <summary>output(self(x, mask), x).</summary>
    public override Tensor forward(Tensor hidden_states, Tensor attention_mask)
    {
        using var scope = NewDisposeScope();
        var context = self.forward(hidden_states, attention_mask);
        return output.forward(context, hidden_states).MoveToOuterDisposeScope();
    }
}
