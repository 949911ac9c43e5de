using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Microsoft.ML.RemBert.Modeling;

/// <summary>
/// A head that classifies features of the base model through dropout and a linear <c>classifier</c>: sequence
/// classification and multiple choice (pooled output) and token classification (every hidden state).
/// </summary>
public abstract class RemBertClassifierModel : RemBertTaskModel
{
#pragma warning disable IDE1006 // field names are the state-dict names
    private readonly Dropout dropout;
    private readonly Linear classifier;
#pragma warning restore IDE1006

    /// <summary>Builds the base model, <c>dropout</c> (classifier_dropout_prob) and <c>classifier</c> (hidden → <paramref name="outputs"/>).</summary>
    private protected RemBertClassifierModel(string name, RemBertConfig config, bool addPoolingLayer, long outputs, bool initializeWeights)
        : base(name, config, addPoolingLayer)
    {
        dropout = nn.Dropout(config.ClassifierDropoutProb);
        classifier = nn.Linear(config.HiddenSize, outputs, dtype: config.ParameterType);
        CompleteConstruction(initializeWeights);
    }

    /// <summary>classifier(dropout(<paramref name="features"/>)), in float32 whatever the model computes in.</summary>
    private protected Tensor Classify(Tensor features) => PrecisionOps.Float32Scores(PrecisionOps.Linear(classifier, dropout.forward(features)));
}
