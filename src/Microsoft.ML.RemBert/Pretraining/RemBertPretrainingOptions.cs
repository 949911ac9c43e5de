using Microsoft.ML.RemBert.Trainers;
using static TorchSharp.torch;

namespace Microsoft.ML.RemBert.Pretraining;

/// <summary>How <see cref="RemBertPretrainer"/> trains: the objective, the optimisation and when to stop.</summary>
public sealed record RemBertPretrainingOptions
{
    /// <summary>Masked (the default) or causal language modelling, ELECTRA's replaced-token detection, or translation ranking.</summary>
    public PretrainingObjective Objective { get; init; } = PretrainingObjective.MaskedLanguageModeling;

    /// <summary>
    /// A checkpoint directory whose weights start the run (continued pretraining, e.g. translation ranking after ELECTRA):
    /// its config.json gives the model's shape, replacing the config passed in, and its vocabulary must be the
    /// tokenizer's. Null starts from fresh weights drawn from <see cref="Seed"/>.
    /// </summary>
    public string? InitialModel { get; init; }

    /// <summary>Passes over the corpus (unless <see cref="MaxSteps"/> or <see cref="TimeLimit"/> stops earlier).</summary>
    public int Epochs { get; init; } = 1;

    /// <summary>Blocks of <see cref="MaxLength"/> tokens per optimizer step.</summary>
    public int BatchSize { get; init; } = 32;

    /// <summary>Peak learning rate of AdamW (linear warm-up, then linear decay to 0 at the last step).</summary>
    public double LearningRate { get; init; } = 5e-4;

    /// <summary>Share of the steps spent warming the learning rate up.</summary>
    public double WarmupRatio { get; init; } = 0.06;

    /// <summary>Decoupled weight decay on weight matrices and embeddings (none on biases and LayerNorm).</summary>
    public double WeightDecay { get; init; } = 0.01;

    /// <summary>Gradients are clipped to this global norm; 0 turns clipping off.</summary>
    public double MaxGradNorm { get; init; } = 1.0;

    /// <summary>Tokens per block, <c>[CLS]</c> and <c>[SEP]</c> included: the corpus is concatenated and cut into blocks of this length.</summary>
    public int MaxLength { get; init; } = 128;

    /// <summary>Share of non-special tokens chosen for masked-LM prediction.</summary>
    public double MaskProbability { get; init; } = 0.15;

    /// <summary>
    /// <see cref="PretrainingObjective.ReplacedTokenDetection"/> only: the generator's hidden (and intermediate) size as a
    /// share of the model's (default 0.25, ELECTRA-Small's; the paper found a quarter to a half best).
    /// </summary>
    public double GeneratorSizeFraction { get; init; } = 0.25;

    /// <summary>
    /// <see cref="PretrainingObjective.ReplacedTokenDetection"/> only: λ, the weight of the discriminator's loss against
    /// the generator's (default 50, ELECTRA's: the binary loss is far smaller than the vocabulary cross entropy).
    /// </summary>
    public double DiscriminatorLossWeight { get; init; } = 50;

    /// <summary>Seeds the weights, the block order and the masking: the same seed, corpus and options give the same model.</summary>
    public int Seed { get; init; } = 42;

    /// <summary>Stop after this many optimizer steps (the learning-rate schedule then ends there); null: run every epoch.</summary>
    public int? MaxSteps { get; init; }

    /// <summary>
    /// Stop at the first step that starts after this much training time in this process; the schedule is not shortened
    /// for it. With <see cref="CheckpointDirectory"/> the stop writes a checkpoint, so a long run goes on in later sittings
    /// (<see cref="ResumeFrom"/>), each with its own time limit.
    /// </summary>
    public TimeSpan? TimeLimit { get; init; }

    /// <summary>
    /// A directory for checkpoints of the training state every <see cref="CheckpointSteps"/> optimizer steps and when
    /// <see cref="TimeLimit"/> ends the run: the trained module's weights, AdamW's moments, the step and the position in
    /// the epoch's block order, the random generators (masking's and libtorch's) and a fingerprint of the settings (see
    /// docs/checkpoints-and-resume.md). Created when missing; null writes no checkpoints.
    /// </summary>
    public string? CheckpointDirectory { get; init; }

    /// <summary>Optimizer steps between two checkpoints in <see cref="CheckpointDirectory"/>.</summary>
    public int CheckpointSteps { get; init; } = 500;

    /// <summary>The newest checkpoints kept in <see cref="CheckpointDirectory"/>; older ones are deleted once a new one is complete.</summary>
    public int CheckpointsToKeep { get; init; } = 2;

    /// <summary>
    /// Continue from a checkpoint: a <see cref="CheckpointDirectory"/> (its newest complete checkpoint; a damaged one is
    /// skipped with a warning) or one <c>checkpoint-STEP</c> directory in it. On the CPU the result is then the run never
    /// interrupted, bit for bit. A checkpoint written with other settings (corpus, tokenizer, config, objective, batch
    /// size, maximum length, seed, schedule) is refused with an <see cref="ArgumentException"/> naming each difference;
    /// a directory holding no complete checkpoint is an <see cref="InvalidDataException"/>. Null starts from scratch.
    /// </summary>
    public string? ResumeFrom { get; init; }

    /// <summary>Where to train; null: the CPU.</summary>
    public Device? Device { get; init; }

    /// <summary>Receives a report after every optimizer step.</summary>
    public IProgress<RemBertTrainingProgress>? Progress { get; init; }

    /// <summary>
    /// Receives the run's notes and warnings, one line each (the corpus read, a checkpoint written or resumed from, a
    /// damaged checkpoint skipped, warnings prefixed <c>warning: </c>); the per-step reports go to <see cref="Progress"/>.
    /// Null discards them.
    /// </summary>
    public Action<string>? Log { get; init; }

    /// <summary>Stops training between steps (<see cref="OperationCanceledException"/>).</summary>
    public CancellationToken CancellationToken { get; init; }

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first option out of range.</summary>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(Epochs, 1, nameof(Epochs));
        ArgumentOutOfRangeException.ThrowIfLessThan(BatchSize, 1, nameof(BatchSize));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(LearningRate, nameof(LearningRate));
        if (WarmupRatio is < 0 or > 1) throw new ArgumentOutOfRangeException(nameof(WarmupRatio), WarmupRatio, "WarmupRatio must be in [0, 1].");
        ArgumentOutOfRangeException.ThrowIfNegative(WeightDecay, nameof(WeightDecay));
        ArgumentOutOfRangeException.ThrowIfNegative(MaxGradNorm, nameof(MaxGradNorm));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxLength, 3, nameof(MaxLength));
        if (MaskProbability is <= 0 or >= 1) throw new ArgumentOutOfRangeException(nameof(MaskProbability), MaskProbability, "MaskProbability must be in (0, 1).");
        if (GeneratorSizeFraction is <= 0 or > 1) throw new ArgumentOutOfRangeException(nameof(GeneratorSizeFraction), GeneratorSizeFraction, "GeneratorSizeFraction must be in (0, 1].");
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(DiscriminatorLossWeight, nameof(DiscriminatorLossWeight));
        if (MaxSteps is { } steps) ArgumentOutOfRangeException.ThrowIfLessThan(steps, 1, nameof(MaxSteps));
        ArgumentOutOfRangeException.ThrowIfLessThan(CheckpointSteps, 1, nameof(CheckpointSteps));
        ArgumentOutOfRangeException.ThrowIfLessThan(CheckpointsToKeep, 1, nameof(CheckpointsToKeep));
        if (CheckpointDirectory is not null && string.IsNullOrWhiteSpace(CheckpointDirectory))
            throw new ArgumentException($"{nameof(CheckpointDirectory)} is empty: give a directory, or null for no checkpoints.", nameof(CheckpointDirectory));
        if (InitialModel is not null && string.IsNullOrWhiteSpace(InitialModel))
            throw new ArgumentException($"{nameof(InitialModel)} is empty: give a checkpoint directory, or null to start from fresh weights.", nameof(InitialModel));
        if (ResumeFrom is not null && string.IsNullOrWhiteSpace(ResumeFrom))
            throw new ArgumentException($"{nameof(ResumeFrom)} is empty: give a checkpoint directory, or null to start from scratch.", nameof(ResumeFrom));
        if (TimeLimit is { } limit && limit <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(TimeLimit), limit, "TimeLimit must be positive.");
    }
}
