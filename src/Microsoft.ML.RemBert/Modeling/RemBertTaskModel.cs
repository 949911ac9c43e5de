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

    /// <summary>
    /// Registers the head's modules and initialises all weights unless <paramref name="initializeWeights"/> is false;
    /// the last step of every head's constructor.
    /// </summary>
    private protected void CompleteConstruction(bool initializeWeights)
    {
        RegisterComponents();
        if (initializeWeights) InitializeWeights();
    }
}
