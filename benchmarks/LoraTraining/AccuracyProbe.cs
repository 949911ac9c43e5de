using Microsoft.ML;
using Microsoft.ML.RemBert.Trainers;
using MLNetPipelines.Common;
using MLNetPipelines.TextClassification;

namespace LoraTraining;

/// <summary>
/// One child process: the TextClassification sample's intent classifier (315 training requests, 135 held-out, from
/// the embedded default model) fine-tuned fully or with LoRA for one seed; prints its held-out accuracy.
/// The full fine-tune is the sample's own recipe (learning rate 2e-4); LoRA's differs only in the learning rate
/// (<see cref="LoraLearningRate"/>: adapters start at zero and need larger steps, as PEFT's examples use; 1e-3 gave a mean of 0.447 against the full fine-tune's 0.511, 3e-3 gives 0.474, docs/lora.md).
/// </summary>
internal static class AccuracyProbe
{
    public const double LoraLearningRate = 3e-3;

    public static int Run(string mode, int seed, int? epochs)
    {
        var mlContext = new MLContext(seed: seed);
        var training = IntentModel.LoadData(mlContext, SampleData.File(IntentModel.TrainingFile));
        var test = IntentModel.LoadData(mlContext, SampleData.File(IntentModel.TestFile));
        var options = IntentModel.TrainerOptions(SampleArguments.Parse(epochs is int n ? ["--epochs", n.ToString()] : [], "unused.zip"), CancellationToken.None);
        options.Seed = seed;
        options.Progress = null;
        if (mode == "lora")
        {
            options.Lora = new RemBertLoraOptions { Rank = 8, Alpha = 16, Dropout = 0.05, TargetModules = ["query", "value"] };
            options.LearningRate = LoraLearningRate;
        }
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var model = IntentModel.Train(mlContext, training, options);
        var seconds = clock.Elapsed.TotalSeconds;
        var metrics = IntentModel.Evaluate(mlContext, model, test);
        (model as IDisposable)?.Dispose();
        Console.WriteLine(FormattableString.Invariant($"accuracy={metrics.MicroAccuracy:F4}"));
        Console.WriteLine(FormattableString.Invariant($"epochs={options.MaxEpochs}"));
        Console.WriteLine(FormattableString.Invariant($"learning_rate={options.LearningRate}"));
        Console.WriteLine(FormattableString.Invariant($"seconds={seconds:F1}"));
        return 0;
    }
}
