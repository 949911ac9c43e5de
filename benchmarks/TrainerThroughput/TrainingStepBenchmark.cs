using System.Diagnostics;
using Microsoft.ML;
using Microsoft.ML.RemBert.Modeling;
using Microsoft.ML.RemBert.Tokenization;
using Microsoft.ML.RemBert.Trainers;
using ModelThroughput;

namespace TrainerThroughput;

/// <summary>
/// Seconds per optimizer step of the real trainer (forward, backward, clipping, AdamW) on batches of 8 rows of
/// exactly 128 tokens, and the FLOP rate that gives at 3 x the forward FLOPs per step.
/// </summary>
internal static class TrainingStepBenchmark
{
    /// <param name="ml">The ML.NET context training runs in.</param>
    /// <param name="tokenizer">Encodes the synthetic rows.</param>
    /// <param name="options">The sizes of the run.</param>
    /// <param name="precision">The trainer's <see cref="RemBertTrainerOptions.TrainingPrecision"/> (bf16: mixed precision).</param>
    public static (RemBertBinaryClassificationTransformer Model, double Gflops) Measure(MLContext ml, RemBertTokenizer tokenizer, BenchmarkOptions options,
        RemBertPrecision precision = RemBertPrecision.Float32)
    {
        int batch = BenchmarkSettings.BatchSize, length = BenchmarkSettings.SequenceLength;
        var random = new Random(1);
        // 200 random words are far more than 128 tokens: every row is truncated to exactly 128.
        var rows = Enumerable.Range(0, batch * (options.WarmUpSteps + options.TimedSteps))
            .Select(i => new Row(SyntheticText.Words(random, 200), i % 2 == 0)).ToArray();
        var stepTimes = new List<double>();
        var clock = Stopwatch.StartNew();
        var trainer = ml.BinaryClassification.Trainers.RemBert(new RemBertBinaryClassificationOptions
        {
            Config = options.TrainingConfig(tokenizer.SentencePiece.VocabularySize),
            Tokenizer = options.TokenizerPath,
            BatchSize = batch,
            MaxSequenceLength = length,
            MaxEpochs = 1,
            LearningRate = 1e-5,
            Seed = 1,
            Device = "cpu",
            TrainingPrecision = precision,
            Progress = new StepClock(() => stepTimes.Add(clock.Elapsed.TotalSeconds)),
        });
        var model = trainer.Fit(ml.Data.LoadFromEnumerable(rows));
        double secondsPerStep = (stepTimes[^1] - stepTimes[options.WarmUpSteps - 1]) / options.TimedSteps;
        double flopsPerStep = 3 * ForwardBenchmark.ForwardFlops(model.Model.BaseModel);
        double gflops = flopsPerStep / secondsPerStep / BenchmarkSettings.Giga;
        var config = model.Model.Config;
        Console.WriteLine($"training step ({precision}): hidden {config.HiddenSize}, {config.NumHiddenLayers} layers, batch {batch} x {length} tokens, " +
            $"{options.WarmUpSteps} warm-up + {options.TimedSteps} timed steps: {secondsPerStep:F2} s per step, {flopsPerStep / BenchmarkSettings.Giga:F1} GFLOP per step, {gflops:F1} GFLOP/s");
        return (model, gflops);
    }

    private sealed record Row(string Sentence1, bool Label);

    /// <summary>Stamps the time of every step report (synchronously, on the training thread).</summary>
    private sealed class StepClock(Action stamp) : IProgress<RemBertTrainingProgress>
    {
        public void Report(RemBertTrainingProgress value)
        {
            if (value.ValidationMetric is null) stamp();
        }
    }
}
