using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Microsoft.ML.RemBert.Modeling;

/// <summary>
/// transformers' RemBertPreTrainedModel._init_weights over a whole module tree: Linear and Embedding weights drawn from
/// N(0, initializer_range²), Linear biases zero, the padding row of the word embeddings zero, LayerNorm weight 1 and
/// bias 0. Weights loaded from a checkpoint afterwards replace these values.
/// </summary>
public static class RemBertWeightInitializer
{
    /// <summary>Initialises every parameter of <paramref name="root"/> and its descendants in place.</summary>
    public static void Initialize(nn.Module root, RemBertConfig config)
    {
        ArgumentNullException.ThrowIfNull(root);
        ArgumentNullException.ThrowIfNull(config);
        using var noGrad = no_grad();
        var modules = root.modules().Prepend(root).ToList();
        foreach (var module in modules)
        {
            switch (module)
            {
                case Linear linear:
                    nn.init.normal_(linear.weight, mean: 0.0, std: config.InitializerRange);
                    if (linear.bias is { } bias) nn.init.zeros_(bias);
                    break;
                case Embedding embedding:
                    nn.init.normal_(embedding.weight!, mean: 0.0, std: config.InitializerRange);
                    break;
                case LayerNorm layerNorm:
                    nn.init.ones_(layerNorm.weight);
                    if (layerNorm.bias is { } layerNormBias) nn.init.zeros_(layerNormBias);
                    break;
            }
        }
        // TorchSharp's Embedding does not expose its padding_idx, so the row is zeroed through the module that knows it.
        foreach (var embeddings in modules.OfType<RemBertEmbeddings>())
            if (embeddings.PaddingIndex is { } padding)
                embeddings.WordEmbeddings.weight![padding].zero_();
    }
}
