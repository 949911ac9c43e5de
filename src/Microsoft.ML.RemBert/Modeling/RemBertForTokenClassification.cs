using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.RemBert.Modeling;

/// <summary>
/// RemBERT for token classification (e.g. NER): every hidden state, after dropout, goes through <c>classifier</c>
/// (hidden → num_labels). No pooler, as in transformers' RemBertForTokenClassification.
/// </summary>
public sealed class RemBertForTokenClassification : RemBertClassifierModel
{
    /// <summary>Builds and initialises the model with <c>num_labels</c> outputs per token.</summary>
    public RemBertForTokenClassification(RemBertConfig config) : this(config, initializeWeights: true) { }

    /// <summary>Builds the model, initialised unless <paramref name="initializeWeights"/> is false (a checkpoint load initialises only what the file lacks).</summary>
    internal RemBertForTokenClassification(RemBertConfig config, bool initializeWeights)
        : base(nameof(RemBertForTokenClassification), config, addPoolingLayer: false, outputs: config.NumLabels, initializeWeights) { }

    /// <summary>Logits [batch, seq, num_labels]; with <paramref name="labels"/> [batch, seq] (-100 = not scored), the mean cross entropy.</summary>
    public TokenClassifierOutput forward(Tensor input_ids, Tensor? attention_mask = null, Tensor? token_type_ids = null, Tensor? labels = null)
    {
        using var scope = NewDisposeScope();
        var logits = Classify(BaseModel.forward(input_ids, attention_mask, token_type_ids).LastHiddenState);
        var loss = labels is null ? null : RemBertLosses.CrossEntropy(logits, labels);
        return new TokenClassifierOutput(logits, loss).MoveToOuterDisposeScope<TokenClassifierOutput>();
    }

    /// <inheritdoc/>
    public override RemBertModelOutput ForwardOutputs(Tensor input_ids, Tensor? attention_mask = null, Tensor? token_type_ids = null) =>
        forward(input_ids, attention_mask, token_type_ids);
}
