using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Microsoft.ML.RemBert.Modeling;

/// <summary>
/// Projects the input embeddings up to <c>hidden_size</c> (<c>embedding_hidden_mapping_in</c>) and runs the stack of
/// layers (<c>layer.N</c>), as transformers' RemBertEncoder.
/// </summary>
public sealed class RemBertEncoder : nn.Module<Tensor, Tensor, Tensor>
{
#pragma warning disable IDE1006 // field names are the state-dict names
    private readonly Linear embedding_hidden_mapping_in;
    private readonly ModuleList<RemBertLayer> layer;
#pragma warning restore IDE1006

    /// <summary>Builds the projection and <c>num_hidden_layers</c> layers.</summary>
    public RemBertEncoder(RemBertConfig config) : base(nameof(RemBertEncoder))
    {
        embedding_hidden_mapping_in = TransposedLinear.Create(config.InputEmbeddingSize, config.HiddenSize, config.ParameterType);
        layer = nn.ModuleList(Enumerable.Range(0, config.NumHiddenLayers).Select(_ => new RemBertLayer(config)).ToArray());
        RegisterComponents();
    }

    /// <summary>Encodes embeddings [batch, seq, input_embedding_size] under an additive mask.</summary>
    /// <returns>The last hidden state, [batch, seq, hidden].</returns>
    public override Tensor forward(Tensor embeddings, Tensor attention_mask)
    {
        using var scope = NewDisposeScope();
        var hidden = PrecisionOps.Linear(embedding_hidden_mapping_in, embeddings);
        foreach (var block in layer)
        {
            var next = block.forward(hidden, attention_mask);
            // Each layer's input is dead once the next one exists; freeing it keeps peak memory at about two layers' worth.
            hidden.Dispose();
            hidden = next;
        }
        return hidden.MoveToOuterDisposeScope();
    }
}
