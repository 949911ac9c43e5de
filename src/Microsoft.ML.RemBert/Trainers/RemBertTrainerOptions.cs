using Microsoft.ML.RemBert.Checkpoints.Hub;
using Microsoft.ML.RemBert.Modeling;
using Microsoft.ML.RemBert.Runtime;

namespace Microsoft.ML.RemBert.Trainers;

/// <summary>
/// What every RemBERT trainer shares: where the starting weights and tokenizer come from, the
/// optimisation (AdamW, linear warm-up then linear decay, clipping, accumulation), validation and early stopping,
/// the device, progress reporting, cancellation, and checkpoints to resume from. Defaults follow transformers' <c>TrainingArguments</c> where it
/// has one. Every property has a setter, so an object initializer sets them; values are checked when training
/// starts and an invalid one is an <see cref="ArgumentOutOfRangeException"/> naming the option and the value.
/// Each task's options class adds its own column names.
/// </summary>
public abstract partial class RemBertTrainerOptions
{
    /// <summary>The default <see cref="Model"/>: the multilingual RemBERT checkpoint on the Hugging Face Hub.</summary>
    public const string DefaultModel = "google/rembert";

    /// <summary>
    /// The starting weights: a local Hugging Face checkpoint directory (any layout the checkpoint loader reads) or a
    /// Hub id such as <c>google/rembert</c>. Head weights the checkpoint lacks are initialised as transformers does.
    /// Ignored when <see cref="Config"/> is set.
    /// </summary>
    public string Model { get; set; } = DefaultModel;

    /// <summary>How a Hub id in <see cref="Model"/> is resolved and downloaded (revision, token, offline, cache); null: from the environment (HF_* variables).</summary>
    public RemBertHubOptions? Hub { get; set; }

    /// <summary>
    /// When set, training starts from random weights of this configuration instead of <see cref="Model"/>; then
    /// <see cref="Tokenizer"/> is required. The label count and problem type are set by the trainer.
    /// </summary>
    public RemBertConfig? Config { get; set; }

    /// <summary>
    /// A SentencePiece <c>.model</c> file or a directory holding <c>sentencepiece.model</c> (and
    /// <c>tokenizer_config.json</c>); null uses the checkpoint's own. Its vocabulary must have the model's
    /// <c>vocab_size</c> pieces.
    /// </summary>
    public string? Tokenizer { get; set; }

    /// <summary>Examples per training batch (per optimizer step, times <see cref="GradientAccumulationSteps"/>).</summary>
    public int BatchSize { get; set; } = 32;

    /// <summary>Passes over the training data (fewer when early stopping ends training).</summary>
    public int MaxEpochs { get; set; } = 3;

    /// <summary>Peak learning rate of AdamW, reached after the warm-up.</summary>
    public double LearningRate { get; set; } = 5e-5;

    /// <summary>AdamW's decoupled weight decay; never applied to biases and LayerNorm weights.</summary>
    public double WeightDecay { get; set; }

    /// <summary>Fraction of all optimizer steps over which the learning rate rises linearly from 0; it then decays linearly to 0.</summary>
    public double WarmupRatio { get; set; }

    /// <summary>
    /// Tokens per model input, special tokens included. Sentence tasks truncate longer texts (not an error) unless their
    /// LongTextStrategy is Windows; tasks over long documents (entities, answers) cover them with overlapping windows of this length.
    /// </summary>
    public int MaxSequenceLength { get; set; } = 128;

    /// <summary>Batches whose gradients are summed before each optimizer step.</summary>
    public int GradientAccumulationSteps { get; set; } = 1;

    /// <summary>Gradients are clipped to this global L2 norm before each step; 0 disables clipping.</summary>
    public double MaxGradNorm { get; set; } = 1.0;

    /// <summary>
    /// Seeds shuffling, dropout and the initialisation of new weights; null takes one from the <see cref="MLContext"/>'s
    /// random source (itself seeded by <c>new MLContext(seed: …)</c>). Same seed, same data, on the CPU: identical weights.
    /// </summary>
    public int? Seed { get; set; }

    /// <summary>
    /// Scored with the task's metrics after each epoch (or every <see cref="EvaluationSteps"/> steps); the weights of the
    /// best score of <see cref="BestModelMetric"/> are kept; enables <see cref="EarlyStoppingPatience"/>.
    /// </summary>
    public IDataView? ValidationSet { get; set; }

    /// <summary>When the <see cref="ValidationSet"/> is scored: after every epoch (the default) or every <see cref="EvaluationSteps"/> steps.</summary>
    public EvaluationStrategy EvaluationStrategy { get; set; } = EvaluationStrategy.Epoch;

    /// <summary>With <see cref="EvaluationStrategy.Steps"/>: optimizer steps between two validations.</summary>
    public int EvaluationSteps { get; set; } = 500;

    /// <summary>
    /// The validation metric that picks the weights kept and drives early stopping, by name (case-insensitive), its
    /// direction known: <c>MicroAccuracy</c>, <c>MacroAccuracy</c>, <c>LogLoss</c> (multiclass); <c>Accuracy</c>,
    /// <c>Auc</c>, <c>F1Score</c>, <c>LogLoss</c> (binary); <c>RootMeanSquaredError</c>, <c>MeanSquaredError</c>,
    /// <c>MeanAbsoluteError</c>, <c>RSquared</c> (regression); <c>EntityF1</c>, <c>EntityPrecision</c>,
    /// <c>EntityRecall</c>, <c>MacroEntityF1</c>, <c>TokenAccuracy</c> (named entities); <c>F1Score</c>,
    /// <c>ExactMatch</c> (question answering); <c>Accuracy</c>, <c>LogLoss</c> (multiple choice). Null: the task's
    /// first (MicroAccuracy, Accuracy, RootMeanSquaredError, EntityF1, F1Score, Accuracy). A name the task does not
    /// compute is an <see cref="ArgumentException"/> listing those it does, when <c>Fit</c> starts (before the model loads).
    /// Requires a <see cref="ValidationSet"/>.
    /// </summary>
    public string? BestModelMetric { get; set; }

    /// <summary>
    /// With a <see cref="ValidationSet"/>: stop after this many validations (epochs, or <see cref="EvaluationSteps"/>
    /// periods) without a better <see cref="BestModelMetric"/> and keep the best weights; 0 trains to the end (and
    /// still keeps the best weights).
    /// </summary>
    public int EarlyStoppingPatience { get; set; }

    /// <summary>
    /// A directory for checkpoints of the training state every <see cref="CheckpointSteps"/> optimizer steps: weights,
    /// AdamW's moments, the schedule's step, the random generators, the data order and position, and the best weights
    /// and metric so far (see docs/checkpoints-and-resume.md). Created when missing; null writes no checkpoints.
    /// </summary>
    public string? CheckpointDirectory { get; set; }

    /// <summary>Optimizer steps between two checkpoints in <see cref="CheckpointDirectory"/>.</summary>
    public int CheckpointSteps { get; set; } = 500;

    /// <summary>The newest checkpoints kept in <see cref="CheckpointDirectory"/>; older ones are deleted once a new one is complete.</summary>
    public int CheckpointsToKeep { get; set; } = 2;

    /// <summary>
    /// Continue from the newest complete checkpoint in <see cref="CheckpointDirectory"/> (a fresh start, with a warning,
    /// when there is none). On the CPU the run then ends with the same weights, bit for bit, as one never interrupted.
    /// A checkpoint written with other options (model, task, labels, batch size, seed, maximum length, schedule, data)
    /// is refused with an <see cref="ArgumentException"/> naming each difference.
    /// </summary>
    public bool ResumeFromCheckpoint { get; set; }

    /// <summary>"cpu", "cuda", "cuda:N", or null/"auto" for CUDA when available.</summary>
    public string? Device { get; set; }

    /// <summary>Receives the progress of every optimizer step and of every validation (also written to <c>MLContext.Log</c>).</summary>
    public IProgress<RemBertTrainingProgress>? Progress { get; set; }

    /// <summary>Checked between steps: cancelling stops training with <see cref="OperationCanceledException"/>.</summary>
    public CancellationToken CancellationToken { get; set; }

    /// <summary>Rows per forward pass when the trained model scores data (validation and <c>Transform</c>).</summary>
    public int InferenceBatchSize { get; set; } = 32;

    /// <summary>
    /// How training computes. <see cref="RemBertPrecision.BFloat16"/>: mixed precision, with float32 master weights and
    /// AdamW state, bfloat16 matmuls, LayerNorm, softmax and loss in float32 (validation too); the same seed still gives
    /// the same weights. About 1.6-2x faster on CPUs with AVX512-BF16/AMX; slower (with one warning) on CPUs without.
    /// </summary>
    public RemBertPrecision TrainingPrecision { get; set; } = RemBertPrecision.Float32;

    /// <summary>
    /// The precision the trained model is kept, scored and saved in. <see cref="RemBertPrecision.BFloat16"/> halves the
    /// model's memory and its size in the ML.NET zip and about doubles scoring speed on CPUs with native bfloat16.
    /// </summary>
    public RemBertPrecision InferencePrecision { get; set; } = RemBertPrecision.Float32;

    /// <summary>Replaces <see cref="BFloat16Support.IsNative"/> (tests of the warning path).</summary>
    internal Func<TorchSharp.torch.Device, bool>? NativeBFloat16Check { get; set; }

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> or <see cref="ArgumentException"/> naming the first invalid option and its value.</summary>
    internal virtual void Validate()
    {
        if (Config is null && string.IsNullOrWhiteSpace(Model))
            throw new ArgumentException($"{nameof(Model)} is empty: give a checkpoint directory or Hub id, or a {nameof(Config)} to start from random weights.", nameof(Model));
        if (Config is not null && string.IsNullOrWhiteSpace(Tokenizer))
            throw new ArgumentException($"{nameof(Tokenizer)} is required with {nameof(Config)}: random weights come with no tokenizer.", nameof(Tokenizer));
        AtLeast(BatchSize, 1, nameof(BatchSize));
        AtLeast(MaxEpochs, 1, nameof(MaxEpochs));
        AtLeast(MaxSequenceLength, 3, nameof(MaxSequenceLength)); // [CLS] x [SEP] is the shortest useful sequence
        AtLeast(GradientAccumulationSteps, 1, nameof(GradientAccumulationSteps));
        AtLeast(EarlyStoppingPatience, 0, nameof(EarlyStoppingPatience));
        AtLeast(EvaluationSteps, 1, nameof(EvaluationSteps));
        AtLeast(CheckpointSteps, 1, nameof(CheckpointSteps));
        AtLeast(CheckpointsToKeep, 1, nameof(CheckpointsToKeep));
        if (!Enum.IsDefined(EvaluationStrategy))
            throw OutOfRange(nameof(EvaluationStrategy), EvaluationStrategy, string.Join(" or ", Enum.GetNames<EvaluationStrategy>()));
        if (ValidationSet is null && BestModelMetric is not null)
            throw new ArgumentException($"{nameof(BestModelMetric)} is '{BestModelMetric}' but there is no {nameof(ValidationSet)} to score it on.", nameof(BestModelMetric));
        if (ValidationSet is null && EvaluationStrategy == EvaluationStrategy.Steps)
            throw new ArgumentException($"{nameof(EvaluationStrategy)} is {EvaluationStrategy} but there is no {nameof(ValidationSet)} to evaluate.", nameof(EvaluationStrategy));
        if (CheckpointDirectory is not null && string.IsNullOrWhiteSpace(CheckpointDirectory))
            throw new ArgumentException($"{nameof(CheckpointDirectory)} is empty: give a directory, or null for no checkpoints.", nameof(CheckpointDirectory));
        if (ResumeFromCheckpoint && CheckpointDirectory is null)
            throw new ArgumentException($"{nameof(ResumeFromCheckpoint)} is set but {nameof(CheckpointDirectory)} is not: name the directory to resume from.", nameof(ResumeFromCheckpoint));
        AtLeast(InferenceBatchSize, 1, nameof(InferenceBatchSize));
        if (!Enum.IsDefined(TrainingPrecision))
            throw OutOfRange(nameof(TrainingPrecision), TrainingPrecision, RemBertPrecisions.AcceptedNames);
        if (!Enum.IsDefined(InferencePrecision))
            throw OutOfRange(nameof(InferencePrecision), InferencePrecision, RemBertPrecisions.AcceptedNames);
        if (!(LearningRate > 0) || double.IsInfinity(LearningRate))
            throw OutOfRange(nameof(LearningRate), LearningRate, "a positive finite number");
        if (!(WeightDecay >= 0) || double.IsInfinity(WeightDecay))
            throw OutOfRange(nameof(WeightDecay), WeightDecay, "a finite number >= 0");
        if (!(WarmupRatio >= 0 && WarmupRatio <= 1))
            throw OutOfRange(nameof(WarmupRatio), WarmupRatio, "between 0 and 1");
        if (!(MaxGradNorm >= 0) || double.IsInfinity(MaxGradNorm))
            throw OutOfRange(nameof(MaxGradNorm), MaxGradNorm, "a finite number >= 0 (0 disables clipping)");
        ValidateFreezing();
    }

    /// <summary>Throws naming <paramref name="option"/> when <paramref name="name"/> is empty.</summary>
    private protected static void RequireColumnName(string? name, string option)
    {
        if (string.IsNullOrWhiteSpace(name))
            throw new ArgumentException($"{option} is empty: name a column of the data.", option);
    }

    private static void AtLeast(int value, int minimum, string option)
    {
        if (value < minimum)
            throw OutOfRange(option, value, $"at least {minimum}");
    }

    private static ArgumentOutOfRangeException OutOfRange(string option, object value, string expected)
        => new(option, value, $"{option} is {value}; it must be {expected}.");
}
