using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.RemBert.Modeling;

/// <summary>RemBERT with the masked-language-model head: <c>rembert</c> (no pooler) and <c>cls.predictions</c>.</summary>
public sealed class RemBertForMaskedLM : RemBertLanguageModel
{
    /// <summary>Builds and initialises the model.</summary>
    public RemBertForMaskedLM(RemBertConfig config) : this(config, initializeWeights: true) { }

    /// <summary>Builds the model, initialised unless <paramref name="initializeWeights"/> is false (a checkpoint load initialises only what the file lacks).</summary>
    internal RemBertForMaskedLM(RemBertConfig config, bool initializeWeights) : base(nameof(RemBertForMaskedLM), config, initializeWeights) { }

    /// <summary>Vocabulary logits [batch, seq, vocab_size]; with <paramref name="labels"/> [batch, seq] (-100 = not scored), the mean cross entropy.</summary>
    public MaskedLMOutput forward(Tensor input_ids, Tensor? attention_mask = null, Tensor? token_type_ids = null, Tensor? labels = null)
    {
        using var scope = NewDisposeScope();
        var logits = PredictionScores(input_ids, attention_mask, token_type_ids);
        var loss = labels is null ? null : RemBertLosses.CrossEntropy(logits, labels);
        return new MaskedLMOutput(logits, loss).MoveToOuterDisposeScope<MaskedLMOutput>();
    }

    /// <inheritdoc/>
    public override RemBertModelOutput ForwardOutputs(Tensor input_ids, Tensor? attention_mask = null, Tensor? token_type_ids = null) =>
        forward(input_ids, attention_mask, token_type_ids);
}
