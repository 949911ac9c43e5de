using Microsoft.ML.RemBert.Modeling;
using Microsoft.ML.RemBert.Runtime;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Microsoft.ML.RemBert.Pretraining;

/// <summary>
/// ELECTRA's replaced-token detection (Clark et al. 2020) for RemBERT: a small masked-LM <c>generator</c> fills the
/// masked positions with tokens it samples, and the <c>discriminator</c> learns, at every token, whether it is the
/// original or a replacement. Every token teaches the discriminator, not just the 15 % that masked LM scores, which is
/// why it learns more from the same compute.
/// <para>
/// The generator shares the discriminator's embedding tables (RemBERT's input embeddings are decoupled from the hidden
/// size, so a narrower generator reads the same tables) and has its own encoder (embedding projection included) and
/// LM head. The discriminator is a whole <see cref="RemBertForMaskedLM"/>: its LM head is trained on the
/// discriminator's <em>detached</em> hidden states to restore the original token at the masked positions, a probe
/// that costs little, never changes the encoder, and leaves the saved checkpoint a working masked LM.
/// </para>
/// Loss = generator MLM loss + <see cref="RemBertPretrainingOptions.DiscriminatorLossWeight"/> × discriminator loss
/// (binary cross entropy over every non-padding token) + the probe's loss.
/// </summary>
internal sealed class ElectraPretrainingModel : nn.Module
{
#pragma warning disable IDE1006 // field names are the state-dict names
    private readonly RemBertForMaskedLM discriminator;
    private readonly RemBertEncoder generator;
    private readonly RemBertOnlyMLMHead generator_predictions;
    private readonly Linear discriminator_dense;
    private readonly nn.Module<Tensor, Tensor> discriminator_activation;
    private readonly Linear discriminator_prediction;
#pragma warning restore IDE1006
    private readonly RemBertConfig _generatorConfig;
    private readonly double _discriminatorWeight;

    /// <summary>Builds the pair, uninitialised (see <see cref="InitializeWeights"/>).</summary>
    /// <param name="config">The discriminator's shape: the model that is saved.</param>
    /// <param name="generatorConfig">The generator's shape (<see cref="GeneratorConfig"/>).</param>
    /// <param name="discriminatorWeight">λ of the loss.</param>
    public ElectraPretrainingModel(RemBertConfig config, RemBertConfig generatorConfig, double discriminatorWeight) : base(nameof(ElectraPretrainingModel))
    {
        discriminator = (RemBertForMaskedLM)RemBertModelFactory.Create(config, nameof(RemBertForMaskedLM), initializeWeights: false);
        generator = new RemBertEncoder(generatorConfig);
        generator_predictions = new RemBertOnlyMLMHead(generatorConfig);
        discriminator_dense = nn.Linear(config.HiddenSize, config.HiddenSize, dtype: config.ParameterType);
        discriminator_activation = RemBertActivation.Create(config.HiddenAct);
        discriminator_prediction = nn.Linear(config.HiddenSize, 1, dtype: config.ParameterType);
        _generatorConfig = generatorConfig;
        _discriminatorWeight = discriminatorWeight;
        RegisterComponents();
    }

    /// <summary>The discriminator: the model pretraining produces.</summary>
    public RemBertForMaskedLM Discriminator => discriminator;

    /// <summary>
    /// The generator's shape: the discriminator's with hidden and intermediate sizes scaled by
    /// <paramref name="hiddenSizeFraction"/> (ELECTRA found a quarter to a half of the discriminator best: a stronger
    /// generator makes the task too hard), heads scaled alike (at least one), output embedding as wide as the input one.
    /// </summary>
    public static RemBertConfig GeneratorConfig(RemBertConfig config, double hiddenSizeFraction)
    {
        int heads = Math.Max(1, (int)Math.Round(config.NumAttentionHeads * hiddenSizeFraction));
        int headSize = config.HiddenSize / config.NumAttentionHeads;
        return config with
        {
            HiddenSize = heads * headSize,
            NumAttentionHeads = heads,
            IntermediateSize = Math.Max(1, (int)Math.Round(config.IntermediateSize * hiddenSizeFraction)),
            OutputEmbeddingSize = config.InputEmbeddingSize,
        };
    }

    /// <summary>Draws every weight as transformers' init does (normal(0, initializer_range), LayerNorm 1/0), from <paramref name="generator"/>.</summary>
    public void InitializeWeights(Generator generator)
    {
        discriminator.InitializeWeights(generator);
        RemBertWeightInitializer.Initialize(this.generator, _generatorConfig, generator);
        RemBertWeightInitializer.Initialize(generator_predictions, _generatorConfig, generator);
        RemBertWeightInitializer.Initialize(discriminator_dense, discriminator.Config, generator);
        RemBertWeightInitializer.Initialize(discriminator_prediction, discriminator.Config, generator);
    }

    /// <summary>
    /// The batch's loss, or null when masking chose no token (the step is skipped). <paramref name="batch"/> is a
    /// masked-LM batch (<see cref="LanguageModelingCollator"/>); the generator's samples are drawn from <paramref name="sampler"/>.
    /// </summary>
    public Tensor? Loss(LanguageModelingBatch batch, Generator sampler, Device device)
    {
        var maskedIds = batch.InputIds.to(device);
        var attentionMask = batch.AttentionMask.to(device);
        var labels = batch.Labels.to(device);
        var selected = labels.ne(LanguageModelingCollator.HeldIgnoreIndex);
        if (!selected.any().item<bool>()) return null;
        var originals = labels[selected];

        var embeddings = discriminator.BaseModel.Embeddings;
        var types = zeros_like(maskedIds);
        var extendedMask = RemBertAttentionMask.Extend(attentionMask, isDecoder: false, PrecisionOps.ActivationType(discriminator.Config.ParameterType));
        var generatorHidden = generator.forward(embeddings.forward(maskedIds, types), extendedMask);
        var generatorLogits = PrecisionOps.Float32Scores(generator_predictions.forward(generatorHidden[selected]));
        var generatorLoss = nn.functional.cross_entropy(generatorLogits, originals);

        // The replacements are sampled, not taken by argmax, and carry no gradient: the generator learns only from its
        // own MLM loss (ELECTRA's design; making it fool the discriminator trains worse).
        Tensor corrupted, replaced;
        using (no_grad())
        {
            var sampled = multinomial(generatorLogits.softmax(-1), 1, replacement: false, generator: sampler).squeeze(-1);
            // The collator kept or randomised some chosen positions instead of masking them; the discriminator reads
            // the original token wherever the generator did not replace it, so start from the originals.
            var originalIds = where(selected, labels, maskedIds);
            corrupted = originalIds.masked_scatter(selected, sampled);
            replaced = corrupted.ne(originalIds).to_type(ScalarType.Float32);
        }

        var hidden = discriminator.BaseModel.forward(corrupted, attentionMask).LastHiddenState;
        var tokenLogits = PrecisionOps.Linear(discriminator_prediction,
            discriminator_activation.forward(PrecisionOps.Linear(discriminator_dense, hidden))).squeeze(-1).to_type(ScalarType.Float32);
        var real = attentionMask.to_type(ScalarType.Bool);
        var realLogits = tokenLogits[real];
        var realReplaced = replaced[real];
        var discriminatorLoss = nn.functional.binary_cross_entropy_with_logits(realLogits, realReplaced);

        var probeLogits = PrecisionOps.Float32Scores(discriminator.LanguageModelScores(hidden.detach()[selected]));
        var probeLoss = nn.functional.cross_entropy(probeLogits, originals);

        LastLosses = (generatorLoss.item<float>(), discriminatorLoss.item<float>(), probeLoss.item<float>());
        using (no_grad())
        {
            var detected = realLogits.gt(HeldScalars.ZeroDouble).to_type(ScalarType.Float32);
            LastDetection = (realReplaced.mean().item<float>(), detected.eq(realReplaced).to_type(ScalarType.Float32).mean().item<float>());
        }
        using var weight = _discriminatorWeight.ToScalar();
        return generatorLoss.add(discriminatorLoss.mul(weight), HeldScalars.One).add(probeLoss, HeldScalars.One);
    }

    /// <summary>The three parts of the last <see cref="Loss"/>: generator MLM, discriminator (unweighted), LM-head probe.</summary>
    public (double Generator, double Discriminator, double Probe) LastLosses { get; private set; }

    /// <summary>Of the last <see cref="Loss"/>: the share of tokens the generator replaced, and the share the discriminator labelled right.</summary>
    public (double ReplacedShare, double Accuracy) LastDetection { get; private set; }

    /// <summary>A standalone copy of the discriminator (eval mode), the caller's to dispose: the pair keeps and frees its own.</summary>
    public RemBertForMaskedLM CopyDiscriminator()
    {
        var copy = (RemBertForMaskedLM)RemBertModelFactory.Create(discriminator.Config, nameof(RemBertForMaskedLM), initializeWeights: false);
        copy.to(discriminator.parameters().First().device);
        copy.load_state_dict(discriminator.state_dict());
        copy.eval();
        return copy;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            // Every part explicitly: the native memory of each is freed here, not left to finalizers (nn.Embedding's
            // finalizer does not free it in TorchSharp 0.107).
            discriminator.Dispose();
            generator.Dispose();
            generator_predictions.Dispose();
            discriminator_dense.Dispose();
            discriminator_prediction.Dispose();
        }
        base.Dispose(disposing);
    }
}
