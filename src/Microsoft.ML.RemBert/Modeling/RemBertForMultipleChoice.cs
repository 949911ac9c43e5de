using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.RemBert.Modeling;

/// <summary>
/// RemBERT for multiple choice: every (question, choice) row is encoded, its pooled output scored by <c>classifier</c>
/// (hidden → 1), and the scores of one question's choices form its logits (transformers' RemBertForMultipleChoice).
/// </summary>
public sealed class RemBertForMultipleChoice : RemBertClassifierModel
{
    /// <summary>One score per (question, choice) row.</summary>
    private const int ScoresPerChoice = 1;

    /// <summary>Builds and initialises the model.</summary>
    public RemBertForMultipleChoice(RemBertConfig config) : this(config, initializeWeights: true) { }

    /// <summary>Builds the model, initialised unless <paramref name="initializeWeights"/> is false (a checkpoint load initialises only what the file lacks).</summary>
    internal RemBertForMultipleChoice(RemBertConfig config, bool initializeWeights)
        : base(nameof(RemBertForMultipleChoice), config, addPoolingLayer: true, outputs: ScoresPerChoice, initializeWeights) { }

    /// <summary>
    /// Logits [batch, choices] for inputs [batch, choices, seq]; with <paramref name="labels"/> [batch] (the correct
    /// choice), the mean cross entropy.
    /// </summary>
    public MultipleChoiceModelOutput forward(Tensor input_ids, Tensor? attention_mask = null, Tensor? token_type_ids = null, Tensor? labels = null)
    {
        RemBertInputs.Check(input_ids, attention_mask, token_type_ids, RemBertInputs.ChoicesRank);
        using var scope = NewDisposeScope();
        var numChoices = input_ids.shape[1];
        var pooled = BaseModel.forward(FlattenChoices(input_ids)!, FlattenChoices(attention_mask), FlattenChoices(token_type_ids)).PoolerOutput!;
        var logits = Classify(pooled).view(-1, numChoices);
        var loss = labels is null ? null : RemBertLosses.CrossEntropy(logits, labels);
        return new MultipleChoiceModelOutput(logits, loss).MoveToOuterDisposeScope<MultipleChoiceModelOutput>();
    }

    /// <inheritdoc/>
    public override RemBertModelOutput ForwardOutputs(Tensor input_ids, Tensor? attention_mask = null, Tensor? token_type_ids = null) =>
        forward(input_ids, attention_mask, token_type_ids);

    /// <summary>[batch, choices, seq] → [batch·choices, seq].</summary>
    private static Tensor? FlattenChoices(Tensor? t) => t?.reshape(-1, t.shape[^1]);
}
