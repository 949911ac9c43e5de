using System.Diagnostics;
using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.RemBert.Modeling;
using Microsoft.ML.RemBert.Trainers;
using ModelThroughput;

namespace LoraTraining;

/// <summary>
/// One child process: a few optimizer steps of the real trainer at google/rembert's full size (random weights:
/// 32 layers, hidden 1152, vocab 250,300), fully fine-tuned or with LoRA; prints key=value lines with the step times
/// and the process's peak RSS (VmHWM), which covers the model, its gradients, AdamW's state and the activations.
/// </summary>
internal static class StepProbe
{
    public static int Run(string mode, int batch, int steps, string tokenizer)
    {
        var random = new Random(1);
        string[] words = ["weather", "music", "alarm", "tomorrow", "please", "city", "morning", "play", "set", "song", "rain", "hotel"];
        // 300 words are far more than 128 tokens: every row is truncated to exactly 128.
        var rows = Enumerable.Range(0, batch * steps)
            .Select(i => new Row(string.Join(' ', Enumerable.Range(0, 300).Select(_ => words[random.Next(words.Length)])), i % 2 == 0)).ToArray();
        var stamps = new List<double>();
        var clock = new Stopwatch();
        var options = new RemBertBinaryClassificationOptions
        {
            Config = RemBertConfig.GoogleRemBert() with { Architectures = null },
            Tokenizer = tokenizer,
            BatchSize = batch,
            MaxSequenceLength = 128,
            MaxEpochs = 1,
            LearningRate = mode == "lora" ? 1e-3 : 2e-5,
            Seed = 1,
            Device = "cpu",
            Progress = new StepClock(() => stamps.Add(clock.Elapsed.TotalSeconds)),
        };
        if (mode == "lora")
            options.Lora = new RemBertLoraOptions { Rank = 8, Alpha = 16, Dropout = 0.05, TargetModules = ["query", "value"] };
        var ml = new MLContext(seed: 1);
        clock.Start();
        using (ml.BinaryClassification.Trainers.RemBert(options).Fit(ml.Data.LoadFromEnumerable(rows))) { }
        var times = stamps.Zip(stamps.Prepend(0.0), (end, start) => end - start).ToList();
        var invariant = CultureInfo.InvariantCulture;
        // The first interval includes building and initialising the model: the caller drops it as the warm-up step.
        Console.WriteLine($"step_seconds={string.Join(',', times.Select(t => t.ToString("F2", invariant)))}");
        Console.WriteLine($"peak_rss_bytes={ProcessMemory.PeakResidentBytes()}");
        Console.WriteLine($"load={ProcessMemory.LoadAverage()}");
        return 0;
    }

    private sealed record Row(string Sentence1, bool Label);

    private sealed class StepClock(Action stamp) : IProgress<RemBertTrainingProgress>
    {
        public void Report(RemBertTrainingProgress value)
        {
            if (value.ValidationMetric is null) stamp();
        }
    }
}
