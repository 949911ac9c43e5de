using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.RemBert.Modeling;

/// <summary>One post-LN transformer layer: attention, then feed-forward (transformers' RemBertLayer).</summary>
public sealed class RemBertLayer : nn.Module<Tensor, Tensor, Tensor>
{
#pragma warning disable IDE1006 // field names are the state-dict names
    private readonly RemBertAttention attention;
    private readonly RemBertIntermediate intermediate;
    private readonly RemBertOutput output;
#pragma warning restore IDE1006

    /// <summary>Builds the layer from a configuration.</summary>
    public RemBertLayer(RemBertConfig config) : base(nameof(RemBertLayer))
    {
        attention = new RemBertAttention(config);
        intermediate = new RemBertIntermediate(config);
        output = new RemBertOutput(config);
        RegisterComponents();
    }

    /// <summary>output(intermediate(a), a) where a = attention(x, mask).</summary>
    public override Tensor forward(Tensor hidden_states, Tensor attention_mask)
    {
        using var scope = NewDisposeScope();
        var attended = attention.forward(hidden_states, attention_mask);
        return output.forward(intermediate.forward(attended), attended).MoveToOuterDisposeScope();
    }
}
