using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.RemBert.Modeling;

/// <summary>RemBERT with the masked-language-model head: <c>rembert</c> (no pooler) and <c>cls.predictions</c>.</summary>
public sealed class RemBertForMaskedLM : RemBertPreTrainedModel
{
#pragma warning disable IDE1006 // field names are the state-dict names
    private readonly RemBertModel rembert;
    private readonly RemBertOnlyMLMHead cls;
#pragma warning restore IDE1006

    /// <summary>Builds and initialises the model.</summary>
    public RemBertForMaskedLM(RemBertConfig config) : base(nameof(RemBertForMaskedLM), config)
    {
        rembert = new RemBertModel(config, addPoolingLayer: false, initializeWeights: false);
        cls = new RemBertOnlyMLMHead(config);
        RegisterComponents();
        InitializeWeights();
    }

    /// <inheritdoc/>
    public override RemBertModel BaseModel => rembert;

    /// <summary>Vocabulary logits [batch, seq, vocab_size]; with <paramref name="labels"/> [batch, seq] (-100 = not scored), the mean cross entropy.</summary>
    public MaskedLMOutput forward(Tensor input_ids, Tensor? attention_mask = null, Tensor? token_type_ids = null, Tensor? labels = null)
    {
        using var scope = NewDisposeScope();
        var logits = cls.forward(rembert.forward(input_ids, attention_mask, token_type_ids).LastHiddenState);
        var loss = labels is null ? null : RemBertLosses.CrossEntropy(logits, labels);
        return new MaskedLMOutput(logits, loss).MoveToOuterDisposeScope<MaskedLMOutput>();
    }

    /// <inheritdoc/>
    public override RemBertModelOutput ForwardOutputs(Tensor input_ids, Tensor? attention_mask = null, Tensor? token_type_ids = null) =>
        forward(input_ids, attention_mask, token_type_ids);
}
