using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Microsoft.ML.RemBert.Modeling;

/// <summary>
/// The language-model head (transformers' RemBertLMPredictionHead): hidden → <c>output_embedding_size</c>
/// (<c>dense</c>), activation, <c>LayerNorm</c>, then the decoupled output embedding <c>decoder</c> → vocabulary.
/// </summary>
public sealed class RemBertLMPredictionHead : nn.Module<Tensor, Tensor>
{
#pragma warning disable IDE1006 // field names are the state-dict names
    private readonly Linear dense;
    private readonly nn.Module<Tensor, Tensor> activation;
    private readonly LayerNorm LayerNorm;
    private readonly Linear decoder;
#pragma warning restore IDE1006

    /// <summary>Builds the head from a configuration.</summary>
    public RemBertLMPredictionHead(RemBertConfig config) : base(nameof(RemBertLMPredictionHead))
    {
        dense = nn.Linear(config.HiddenSize, config.OutputEmbeddingSize, dtype: config.ParameterType);
        activation = RemBertActivation.Create(config.HiddenAct);
        LayerNorm = nn.LayerNorm(config.OutputEmbeddingSize, eps: config.LayerNormEps, dtype: config.ParameterType);
        decoder = nn.Linear(config.OutputEmbeddingSize, config.VocabSize, dtype: config.ParameterType);
        RegisterComponents();
    }

    /// <summary>Vocabulary logits [batch, seq, vocab_size] for hidden states [batch, seq, hidden].</summary>
    public override Tensor forward(Tensor hidden_states)
    {
        using var scope = NewDisposeScope();
        var transformed = PrecisionOps.LayerNorm(LayerNorm, activation.forward(PrecisionOps.Linear(dense, hidden_states)));
        return PrecisionOps.Linear(decoder, transformed).MoveToOuterDisposeScope();
    }
}
