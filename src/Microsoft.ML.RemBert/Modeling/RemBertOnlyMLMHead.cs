using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.RemBert.Modeling;

/// <summary>
/// The <c>cls</c> module of the LM heads: it only holds <c>predictions</c>, which gives state-dict keys
/// <c>cls.predictions.*</c> exactly as transformers' RemBertOnlyMLMHead.
/// </summary>
public sealed class RemBertOnlyMLMHead : nn.Module<Tensor, Tensor>
{
#pragma warning disable IDE1006 // field names are the state-dict names
    private readonly RemBertLMPredictionHead predictions;
#pragma warning restore IDE1006

    /// <summary>Builds the prediction head from a configuration.</summary>
    public RemBertOnlyMLMHead(RemBertConfig config) : base(nameof(RemBertOnlyMLMHead))
    {
        predictions = new RemBertLMPredictionHead(config);
        RegisterComponents();
    }

    /// <summary>Vocabulary logits for hidden states.</summary>
    public override Tensor forward(Tensor sequence_output) => predictions.forward(sequence_output);
}
