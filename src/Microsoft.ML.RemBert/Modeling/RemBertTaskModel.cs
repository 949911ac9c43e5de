using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.RemBert.Modeling;

/// <summary>
/// A task head over one <c>rembert</c> base model, which gives every head's state dict the <c>rembert.</c> prefix
/// transformers uses. Subclasses add their head modules and, being the most derived, register components and
/// initialise weights once everything exists.
/// </summary>
public abstract class RemBertTaskModel : RemBertPreTrainedModel
{
#pragma warning disable IDE1006 // field names are the state-dict names
    private readonly RemBertModel rembert;
#pragma warning restore IDE1006

    /// <summary>Builds the (uninitialised) base model, with a pooler when the head reads the pooled output.</summary>
    private protected RemBertTaskModel(string name, RemBertConfig config, bool addPoolingLayer) : base(name, config) =>
        rembert = new RemBertModel(config, addPoolingLayer, initializeWeights: false);

    /// <inheritdoc/>
    public override RemBertModel BaseModel => rembert;

    /// <summary>Registers the head's modules and initialises all weights; the last step of every head's constructor.</summary>
    private protected void CompleteConstruction()
    {
        RegisterComponents();
        InitializeWeights();
    }
}

/// <summary>
/// A head that classifies features of the base model through dropout and a linear <c>classifier</c>: sequence
/// classification and multiple choice (pooled output) and token classification (every hidden state).
/// </summary>
public abstract class RemBertClassifierModel : RemBertTaskModel
{
#pragma warning disable IDE1006 // field names are the state-dict names
    private readonly TorchSharp.Modules.Dropout dropout;
    private readonly TorchSharp.Modules.Linear classifier;
#pragma warning restore IDE1006

    /// <summary>Builds the base model, <c>dropout</c> (classifier_dropout_prob) and <c>classifier</c> (hidden → <paramref name="outputs"/>).</summary>
    private protected RemBertClassifierModel(string name, RemBertConfig config, bool addPoolingLayer, long outputs)
        : base(name, config, addPoolingLayer)
    {
        dropout = nn.Dropout(config.ClassifierDropoutProb);
        classifier = nn.Linear(config.HiddenSize, outputs);
        CompleteConstruction();
    }

    /// <summary>classifier(dropout(<paramref name="features"/>)).</summary>
    private protected Tensor Classify(Tensor features) => classifier.forward(dropout.forward(features));
}

/// <summary>A head that predicts vocabulary logits through <c>cls.predictions</c>: masked and causal language modelling.</summary>
public abstract class RemBertLanguageModel : RemBertTaskModel
{
#pragma warning disable IDE1006 // field names are the state-dict names
    private readonly RemBertOnlyMLMHead cls;
#pragma warning restore IDE1006

    /// <summary>Builds the base model (no pooler) and the LM head.</summary>
    private protected RemBertLanguageModel(string name, RemBertConfig config) : base(name, config, addPoolingLayer: false)
    {
        cls = new RemBertOnlyMLMHead(config);
        CompleteConstruction();
    }

    /// <summary>Vocabulary logits [batch, seq, vocab_size].</summary>
    private protected Tensor PredictionScores(Tensor input_ids, Tensor? attention_mask, Tensor? token_type_ids)
    {
        using var scope = NewDisposeScope();
        var hidden = BaseModel.forward(input_ids, attention_mask, token_type_ids).LastHiddenState;
        return cls.forward(hidden).MoveToOuterDisposeScope();
    }
}
