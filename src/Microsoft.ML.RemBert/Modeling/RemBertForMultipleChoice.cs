using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Microsoft.ML.RemBert.Modeling;

/// <summary>
/// RemBERT for multiple choice: every (question, choice) row is encoded, its pooled output scored by <c>classifier</c>
/// (hidden → 1), and the scores of one question's choices form its logits (transformers' RemBertForMultipleChoice).
/// </summary>
public sealed class RemBertForMultipleChoice : RemBertPreTrainedModel
{
#pragma warning disable IDE1006 // field names are the state-dict names
    private readonly RemBertModel rembert;
    private readonly Dropout dropout;
    private readonly Linear classifier;
#pragma warning restore IDE1006

    /// <summary>Builds and initialises the model.</summary>
    public RemBertForMultipleChoice(RemBertConfig config) : base(nameof(RemBertForMultipleChoice), config)
    {
        rembert = new RemBertModel(config, addPoolingLayer: true, initializeWeights: false);
        dropout = nn.Dropout(config.ClassifierDropoutProb);
        classifier = nn.Linear(config.HiddenSize, 1);
        RegisterComponents();
        InitializeWeights();
    }

    /// <inheritdoc/>
    public override RemBertModel BaseModel => rembert;

    /// <summary>
    /// Logits [batch, choices] for inputs [batch, choices, seq]; with <paramref name="labels"/> [batch] (the correct
    /// choice), the mean cross entropy.
    /// </summary>
    public MultipleChoiceModelOutput forward(Tensor input_ids, Tensor? attention_mask = null, Tensor? token_type_ids = null, Tensor? labels = null)
    {
        RemBertInputs.Check(input_ids, attention_mask, token_type_ids, RemBertInputs.ChoicesRank);
        using var scope = NewDisposeScope();
        var numChoices = input_ids.shape[1];
        var pooled = rembert.forward(FlattenChoices(input_ids)!, FlattenChoices(attention_mask), FlattenChoices(token_type_ids)).PoolerOutput!;
        var logits = classifier.forward(dropout.forward(pooled)).view(-1, numChoices);
        var loss = labels is null ? null : RemBertLosses.CrossEntropy(logits, labels);
        return new MultipleChoiceModelOutput(logits, loss).MoveToOuterDisposeScope<MultipleChoiceModelOutput>();
    }

    /// <inheritdoc/>
    public override RemBertModelOutput ForwardOutputs(Tensor input_ids, Tensor? attention_mask = null, Tensor? token_type_ids = null) =>
        forward(input_ids, attention_mask, token_type_ids);

    /// <summary>[batch, choices, seq] → [batch·choices, seq].</summary>
    private static Tensor? FlattenChoices(Tensor? t) => t?.reshape(-1, t.shape[^1]);
}
