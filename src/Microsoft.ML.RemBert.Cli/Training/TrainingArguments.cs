using Microsoft.ML.RemBert.Modeling;
using Microsoft.ML.RemBert.Trainers;

namespace Microsoft.ML.RemBert.Cli.Training;

/// <summary>
/// What <c>rembert train</c> was told, for every task alike. A null value keeps the trainer's default (which follows
/// transformers' <c>TrainingArguments</c>).
/// </summary>
internal sealed record TrainingArguments
{
    /// <summary>A checkpoint directory or Hub id (already resolved from <c>default</c>).</summary>
    public required string Model { get; init; }
    public int? Epochs { get; init; }
    public int? BatchSize { get; init; }
    public double? LearningRate { get; init; }
    public int? MaxLength { get; init; }
    public int? Seed { get; init; }
    public string? Device { get; init; }
    public int? InferenceBatchSize { get; init; }
    public double? WarmupRatio { get; init; }
    public double? WeightDecay { get; init; }
    public int? EarlyStoppingPatience { get; init; }
    public string? BestModelMetric { get; init; }
    public int? EvaluationSteps { get; init; }
    public string? CheckpointDirectory { get; init; }
    public int? CheckpointSteps { get; init; }
    public int? CheckpointsToKeep { get; init; }
    public bool Resume { get; init; }
    public RemBertPrecision TrainingPrecision { get; init; }
    public RemBertPrecision InferencePrecision { get; init; }
    public IProgress<RemBertTrainingProgress>? Progress { get; init; }
    public CancellationToken CancellationToken { get; init; }

    /// <summary>Copies the arguments onto a task's options and returns them.</summary>
    public T Apply<T>(T options) where T : RemBertTrainerOptions
    {
        options.Model = Model;
        if (Epochs is { } epochs) options.MaxEpochs = epochs;
        if (BatchSize is { } batchSize) options.BatchSize = batchSize;
        if (LearningRate is { } learningRate) options.LearningRate = learningRate;
        if (MaxLength is { } maxLength) options.MaxSequenceLength = maxLength;
        if (Seed is { } seed) options.Seed = seed;
        if (Device is { } device) options.Device = device;
        if (InferenceBatchSize is { } inferenceBatchSize) options.InferenceBatchSize = inferenceBatchSize;
        if (WarmupRatio is { } warmupRatio) options.WarmupRatio = warmupRatio;
        if (WeightDecay is { } weightDecay) options.WeightDecay = weightDecay;
        if (EarlyStoppingPatience is { } patience) options.EarlyStoppingPatience = patience;
        options.BestModelMetric = BestModelMetric;
        if (EvaluationSteps is { } evaluationSteps)
        {
            options.EvaluationStrategy = EvaluationStrategy.Steps;
            options.EvaluationSteps = evaluationSteps;
        }
        options.CheckpointDirectory = CheckpointDirectory;
        if (CheckpointSteps is { } checkpointSteps) options.CheckpointSteps = checkpointSteps;
        if (CheckpointsToKeep is { } keep) options.CheckpointsToKeep = keep;
        options.ResumeFromCheckpoint = Resume;
        options.TrainingPrecision = TrainingPrecision;
        options.InferencePrecision = InferencePrecision;
        options.Progress = Progress;
        options.CancellationToken = CancellationToken;
        return options;
    }
}
