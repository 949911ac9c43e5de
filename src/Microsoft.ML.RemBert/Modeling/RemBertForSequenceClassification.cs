using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.RemBert.Modeling;

/// <summary>
/// RemBERT for sequence classification or regression: the pooled output, dropout, and <c>classifier</c>
/// (hidden → num_labels), as transformers' RemBertForSequenceClassification.
/// </summary>
public sealed class RemBertForSequenceClassification : RemBertClassifierModel
{
    /// <summary>Builds and initialises the model with <c>num_labels</c> outputs.</summary>
    public RemBertForSequenceClassification(RemBertConfig config) : this(config, initializeWeights: true) { }

    /// <summary>Builds the model, initialised unless <paramref name="initializeWeights"/> is false (a checkpoint load initialises only what the file lacks).</summary>
    internal RemBertForSequenceClassification(RemBertConfig config, bool initializeWeights)
        : base(nameof(RemBertForSequenceClassification), config, addPoolingLayer: true, outputs: config.NumLabels, initializeWeights) { }

    /// <summary>
    /// Logits [batch, num_labels]; with <paramref name="labels"/>, the loss chosen by <c>problem_type</c> (or inferred
    /// as transformers does): MSE for regression ([batch] or [batch, num_labels] floats), cross entropy for single-label
    /// ([batch] integers), BCE with logits for multi-label ([batch, num_labels] 0/1 floats).
    /// </summary>
    public SequenceClassifierOutput forward(Tensor input_ids, Tensor? attention_mask = null, Tensor? token_type_ids = null, Tensor? labels = null)
    {
        using var scope = NewDisposeScope();
        var logits = Classify(BaseModel.forward(input_ids, attention_mask, token_type_ids).PoolerOutput!);
        var loss = labels is null ? null : RemBertLosses.SequenceClassification(logits, labels, Config.ProblemType, Config.NumLabels);
        return new SequenceClassifierOutput(logits, loss).MoveToOuterDisposeScope<SequenceClassifierOutput>();
    }

    /// <inheritdoc/>
    public override RemBertModelOutput ForwardOutputs(Tensor input_ids, Tensor? attention_mask = null, Tensor? token_type_ids = null) =>
        forward(input_ids, attention_mask, token_type_ids);
}
