using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.RemBert.Modeling;

/// <summary>A head that predicts vocabulary logits through <c>cls.predictions</c>: masked and causal language modelling.</summary>
public abstract class RemBertLanguageModel : RemBertTaskModel
{
#pragma warning disable IDE1006 // field names are the state-dict names
    private readonly RemBertOnlyMLMHead cls;
#pragma warning restore IDE1006

    /// <summary>Builds the base model (no pooler) and the LM head, initialised unless <paramref name="initializeWeights"/> is false.</summary>
    private protected RemBertLanguageModel(string name, RemBertConfig config, bool initializeWeights) : base(name, config, addPoolingLayer: false)
    {
        cls = new RemBertOnlyMLMHead(config);
        CompleteConstruction(initializeWeights);
    }

    /// <summary>Vocabulary logits [batch, seq, vocab_size], in float32 whatever the model computes in.</summary>
    private protected Tensor PredictionScores(Tensor input_ids, Tensor? attention_mask, Tensor? token_type_ids)
    {
        using var scope = NewDisposeScope();
        var hidden = BaseModel.forward(input_ids, attention_mask, token_type_ids).LastHiddenState;
        return PrecisionOps.Float32Scores(cls.forward(hidden)).MoveToOuterDisposeScope();
    }

    /// <summary>Vocabulary logits of hidden states the caller computed (ELECTRA pretraining scores its encoder's states).</summary>
    internal Tensor LanguageModelScores(Tensor hidden_states) => cls.forward(hidden_states);

    /// <summary>
    /// Vocabulary logits [count, vocab_size] of only the positions where <paramref name="selected"/> [batch, seq] is true,
    /// in row-major order: masked-LM pretraining scores 15 % of the positions, so projecting the other 85 % onto the
    /// vocabulary would be wasted work. Equal to <c>PredictionScores(...)[selected]</c>.
    /// </summary>
    internal Tensor PredictionScoresAt(Tensor input_ids, Tensor? attention_mask, Tensor? token_type_ids, Tensor selected)
    {
        using var scope = NewDisposeScope();
        var hidden = BaseModel.forward(input_ids, attention_mask, token_type_ids).LastHiddenState;
        return cls.forward(hidden[selected]).MoveToOuterDisposeScope();
    }
}
