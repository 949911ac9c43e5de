using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Microsoft.ML.RemBert.Modeling;

/// <summary>
/// transformers' RemBertPreTrainedModel._init_weights over a module tree: Linear and Embedding weights drawn from
/// N(0, initializer_range²), Linear biases zero, the padding row of the word embeddings zero, LayerNorm weight 1 and
/// bias 0. Either every parameter, or only named ones (those a checkpoint did not provide, as transformers does).
/// </summary>
internal static class RemBertWeightInitializer
{
    /// <summary>The local parameter names of Linear, Embedding and LayerNorm (PyTorch's and TorchSharp's).</summary>
    private const string WeightName = "weight", BiasName = "bias";

    /// <summary>Initialises every parameter of <paramref name="root"/> and its descendants in place.</summary>
    /// <param name="root">The module tree.</param>
    /// <param name="config">Gives <c>initializer_range</c>.</param>
    /// <param name="generator">The random source; null for libtorch's global one (seeded by <c>torch.manual_seed</c>).</param>
    public static void Initialize(nn.Module root, RemBertConfig config, Generator? generator = null)
    {
        ArgumentNullException.ThrowIfNull(root);
        Initialize(root, config, _ => true, generator);
    }

    /// <summary>
    /// Initialises only the parameters named in <paramref name="parameterNames"/> (state-dict names relative to
    /// <paramref name="root"/>, e.g. <c>classifier.weight</c>); the others keep their values. The word embeddings'
    /// padding row is zeroed only when <c>word_embeddings.weight</c> itself is named. Named buffers are left alone:
    /// they are fixed at construction, not initialised.
    /// </summary>
    /// <param name="root">The module tree.</param>
    /// <param name="config">Gives <c>initializer_range</c>.</param>
    /// <param name="parameterNames">Names to initialise, typically <c>CheckpointLoadReport.MissingKeys</c>.</param>
    /// <param name="generator">The random source; null for libtorch's global one (seeded by <c>torch.manual_seed</c>).</param>
    /// <exception cref="ArgumentException">A name is not in <paramref name="root"/>'s state dict.</exception>
    public static void Initialize(nn.Module root, RemBertConfig config, IEnumerable<string> parameterNames, Generator? generator = null)
    {
        ArgumentNullException.ThrowIfNull(root);
        ArgumentNullException.ThrowIfNull(parameterNames);
        var selected = parameterNames.ToHashSet(StringComparer.Ordinal);
        var unknown = selected.Except(root.state_dict().Keys).ToList();
        if (unknown.Count > 0)
            throw new ArgumentException($"Not parameters of {root.GetName()}: {string.Join(", ", unknown)}.", nameof(parameterNames));
        if (selected.Count > 0) Initialize(root, config, selected.Contains, generator);
    }

    private static void Initialize(nn.Module root, RemBertConfig config, Func<string, bool> isSelected, Generator? generator)
    {
        ArgumentNullException.ThrowIfNull(config);
        using var noGrad = no_grad();
        var modules = root.named_modules().Prepend((name: string.Empty, module: root)).ToList();
        var initialisedEmbeddings = new HashSet<Embedding>(ReferenceEqualityComparer.Instance);
        foreach (var (moduleName, module) in modules)
        {
            bool Selected(string parameter) => isSelected(moduleName.Length == 0 ? parameter : $"{moduleName}.{parameter}");
            switch (module)
            {
                case Linear linear:
                    if (Selected(WeightName)) Normal(linear.weight, config, generator);
                    if (linear.bias is { } bias && Selected(BiasName)) nn.init.zeros_(bias);
                    break;
                case Embedding embedding when Selected(WeightName):
                    Normal(embedding.weight!, config, generator);
                    initialisedEmbeddings.Add(embedding);
                    break;
                case LayerNorm layerNorm:
                    if (Selected(WeightName)) nn.init.ones_(layerNorm.weight);
                    if (layerNorm.bias is { } layerNormBias && Selected(BiasName)) nn.init.zeros_(layerNormBias);
                    break;
            }
        }
        // TorchSharp's Embedding does not expose its padding_idx, so the row is zeroed through the module that knows it,
        // and only when this call drew the table: a loaded table keeps the checkpoint's row.
        foreach (var embeddings in modules.Select(m => m.module).OfType<RemBertEmbeddings>())
            if (embeddings.PaddingIndex is { } padding && initialisedEmbeddings.Contains(embeddings.WordEmbeddings))
                embeddings.WordEmbeddings.weight![padding].zero_();
    }

    // Tensor.normal_ rather than nn.init.normal_, which in TorchSharp 0.107 ignores its generator argument. A weight
    // stored transposed (TransposedLinear) is drawn in its logical row-major order, as a contiguous one is, so a seed
    // gives the same values whatever the storage.
    private static void Normal(Tensor weight, RemBertConfig config, Generator? generator)
    {
        if (weight.is_contiguous())
        {
            weight.normal_(0.0, config.InitializerRange, generator);
            return;
        }
        using var drawn = empty(weight.shape, dtype: weight.dtype, device: weight.device).normal_(0.0, config.InitializerRange, generator);
        weight.copy_(drawn);
    }
}
