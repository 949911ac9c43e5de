using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.RemBert.Modeling;

/// <summary>
/// RemBERT as a left-to-right language model: <c>rembert</c> (no pooler) and <c>cls.predictions</c>. Attention is
/// causal when the configuration has <c>is_decoder: true</c>, as transformers requires for this head.
/// </summary>
public sealed class RemBertForCausalLM : RemBertPreTrainedModel
{
#pragma warning disable IDE1006 // field names are the state-dict names
    private readonly RemBertModel rembert;
    private readonly RemBertOnlyMLMHead cls;
#pragma warning restore IDE1006

    /// <summary>Builds and initialises the model.</summary>
    public RemBertForCausalLM(RemBertConfig config) : base(nameof(RemBertForCausalLM), config)
    {
        rembert = new RemBertModel(config, addPoolingLayer: false, initializeWeights: false);
        cls = new RemBertOnlyMLMHead(config);
        RegisterComponents();
        InitializeWeights();
    }

    /// <inheritdoc/>
    public override RemBertModel BaseModel => rembert;

    /// <summary>
    /// Vocabulary logits [batch, seq, vocab_size]; with <paramref name="labels"/> [batch, seq] (usually the input ids,
    /// -100 = not scored), the mean next-token cross entropy (logits at t against the label at t + 1).
    /// </summary>
    public CausalLMOutput forward(Tensor input_ids, Tensor? attention_mask = null, Tensor? token_type_ids = null, Tensor? labels = null)
    {
        using var scope = NewDisposeScope();
        var logits = cls.forward(rembert.forward(input_ids, attention_mask, token_type_ids).LastHiddenState);
        var loss = labels is null ? null : RemBertLosses.ShiftedLanguageModeling(logits, labels);
        return new CausalLMOutput(logits, loss).MoveToOuterDisposeScope<CausalLMOutput>();
    }

    /// <inheritdoc/>
    public override RemBertModelOutput ForwardOutputs(Tensor input_ids, Tensor? attention_mask = null, Tensor? token_type_ids = null) =>
        forward(input_ids, attention_mask, token_type_ids);
}
