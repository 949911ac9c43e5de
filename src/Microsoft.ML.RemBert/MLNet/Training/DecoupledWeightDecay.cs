using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Microsoft.ML.RemBert.MLNet.Training;

/// <summary>
/// AdamW over a model's trainable parameters in two groups, as transformers' Trainer builds it: weight decay on
/// every weight matrix and embedding, none on biases and LayerNorm weights.
/// </summary>
internal static class DecoupledWeightDecay
{
    /// <summary>Whether transformers exempts the parameter named <paramref name="name"/> from weight decay.</summary>
    public static bool IsExempt(string name)
        => name.EndsWith(".bias", StringComparison.Ordinal) || name == "bias" || name.Contains("LayerNorm", StringComparison.Ordinal);

    /// <summary>
    /// The optimizer (TorchSharp's AdamW, its scalars held: <see cref="HeldScalarAdamW"/>); its group 0 decays, group 1
    /// does not. Betas and epsilon are transformers' defaults.
    /// </summary>
    public static HeldScalarAdamW CreateOptimizer(nn.Module model, double learningRate, double weightDecay)
    {
        var trainable = model.named_parameters().Where(p => p.parameter.requires_grad).ToList();
        var groups = new List<AdamW.ParamGroup>
        {
            new(trainable.Where(p => !IsExempt(p.name)).Select(p => p.parameter).ToList(), lr: learningRate, beta1: 0.9, beta2: 0.999, eps: 1e-8, weight_decay: weightDecay),
            new(trainable.Where(p => IsExempt(p.name)).Select(p => p.parameter).ToList(), lr: learningRate, beta1: 0.9, beta2: 0.999, eps: 1e-8, weight_decay: 0),
        };
        return new HeldScalarAdamW(groups, lr: learningRate, beta1: 0.9, beta2: 0.999, eps: 1e-8, weight_decay: weightDecay);
    }
}
