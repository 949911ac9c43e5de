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
    /// <param name="root">The module tree.</param>
    /// <param name="config">Gives <c>initializer_range</c>.</param>
    /// <param name="generator">The random source; null for libtorch's global one (seeded by <c>torch.manual_seed</c>).</param>
    public static void Initialize(nn.Module root, RemBertConfig config, Generator? generator = null)
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
                    Normal(linear.weight, config, generator);
                    if (linear.bias is { } bias) nn.init.zeros_(bias);
                    break;
                case Embedding embedding:
                    Normal(embedding.weight!, config, generator);
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

    // Tensor.normal_ rather than nn.init.normal_, which in TorchSharp 0.107 ignores its generator argument.
    private static void Normal(Tensor weight, RemBertConfig config, Generator? generator) =>
        weight.normal_(0.0, config.InitializerRange, generator);
}
