using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.RemBert.Modeling;

/// <summary>
/// RemBERT as a left-to-right language model: <c>rembert</c> (no pooler) and <c>cls.predictions</c>. Attention is
/// causal when the configuration has <c>is_decoder: true</c>, as transformers requires for this head.
/// </summary>
public sealed class RemBertForCausalLM : RemBertLanguageModel
{
    /// <summary>Builds and initialises the model.</summary>
    public RemBertForCausalLM(RemBertConfig config) : this(config, initializeWeights: true) { }

    /// <summary>Builds the model, initialised unless <paramref name="initializeWeights"/> is false (a checkpoint load initialises only what the file lacks).</summary>
    internal RemBertForCausalLM(RemBertConfig config, bool initializeWeights) : base(nameof(RemBertForCausalLM), config, initializeWeights) { }

    /// <summary>
    /// Vocabulary logits [batch, seq, vocab_size]; with <paramref name="labels"/> [batch, seq] (usually the input ids,
    /// -100 = not scored), the mean next-token cross entropy (logits at t against the label at t + 1).
    /// </summary>
    public CausalLMOutput forward(Tensor input_ids, Tensor? attention_mask = null, Tensor? token_type_ids = null, Tensor? labels = null)
    {
        using var scope = NewDisposeScope();
        var logits = PredictionScores(input_ids, attention_mask, token_type_ids);
        var loss = labels is null ? null : RemBertLosses.ShiftedLanguageModeling(logits, labels);
        return new CausalLMOutput(logits, loss).MoveToOuterDisposeScope<CausalLMOutput>();
    }

    /// <inheritdoc/>
    public override RemBertModelOutput ForwardOutputs(Tensor input_ids, Tensor? attention_mask = null, Tensor? token_type_ids = null) =>
        forward(input_ids, attention_mask, token_type_ids);
}
