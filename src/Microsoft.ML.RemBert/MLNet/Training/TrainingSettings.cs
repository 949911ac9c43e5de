using Microsoft.ML.RemBert.Trainers;
using static TorchSharp.torch;

namespace Microsoft.ML.RemBert.MLNet.Training;

/// <summary>The training loop's settings: the trainer options, validated, with the seed and device resolved.</summary>
internal sealed record TrainingSettings(RemBertTrainerOptions Options, int Seed, Device Device)
{
    public int BatchSize => Options.BatchSize;
    public int MaxEpochs => Options.MaxEpochs;
    public int GradientAccumulationSteps => Options.GradientAccumulationSteps;
    public CancellationToken CancellationToken => Options.CancellationToken;
}
