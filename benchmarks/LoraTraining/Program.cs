// LoRA against the full fine-tune (issue 21, part 5). Each measurement runs in its own child process, so its peak RSS
// (VmHWM) covers that run alone.
//   1. memory: a few training steps at google/rembert's full size (random weights; 32 layers, hidden 1152, vocab
//      250,300; batch 2 x 128 tokens): peak RSS and seconds per step, LoRA rank 8 on query/value vs full AdamW.
//      Targets: LoRA peak RSS <= 0.45x the full fine-tune's, step time <= 0.7x.
//   2. accuracy: the TextClassification sample's intent classifier from the embedded default model, 3 seeds each:
//      LoRA's mean held-out accuracy within 0.05 of the full fine-tune's.
//   dotnet run -c Release --project benchmarks/LoraTraining [-- --only memory|accuracy] [--batch 2] [--steps 3]
//       [--epochs N] [--seeds 1,2,3] [--parallel]
// The full fine-tune at full size needs about 11 GB: the run refuses to start it with less memory available.
using System.Globalization;
using LoraTraining;
using ModelThroughput;

var invariant = CultureInfo.InvariantCulture;
string? Value(string name) => args.SkipWhile(arg => arg != name).Skip(1).FirstOrDefault();

switch (Value("--probe"))
{
    case "step":
        return StepProbe.Run(Value("--mode")!, int.Parse(Value("--batch")!, invariant), int.Parse(Value("--steps")!, invariant), Value("--tokenizer")!);
    case "accuracy":
        return AccuracyProbe.Run(Value("--mode")!, int.Parse(Value("--seed")!, invariant), Value("--epochs") is { } e ? int.Parse(e, invariant) : null);
}

string? only = Value("--only");
int batch = int.Parse(Value("--batch") ?? "2", invariant);
int steps = int.Parse(Value("--steps") ?? "3", invariant);
Console.WriteLine($"Load average at start: {ProcessMemory.LoadAverage()} (2 cores shared with other work: step times are noisy, peak RSS is not).");
int failures = 0;

if (only is null or "memory")
{
    const long needed = 12L << 30;
    long available = ReadAvailable();
    if (available < needed)
    {
        Console.WriteLine($"memory: {available >> 20} MB available, the full fine-tune needs about {needed >> 20} MB: not run.");
        failures++;
    }
    else
    {
        string directory = Path.Combine(Path.GetTempPath(), $"lora-benchmark-{Environment.ProcessId}");
        try
        {
            string source = Path.Combine(RepositoryRoot(), "tests/Microsoft.ML.RemBert.Tests/TestData/fixtures/sentencepiece/unigram-8k.model");
            string tokenizer = PaddedVocabulary.Write(source, 250_300, 8_000, directory);
            var results = new Dictionary<string, (double Step, long Peak, string Load)>();
            foreach (var mode in new[] { "lora", "full" })
            {
                var values = ChildProbe.Run(mode, "--probe", "step", "--mode", mode, "--batch", $"{batch}", "--steps", $"{steps}", "--tokenizer", tokenizer);
                if (values is null) { failures++; continue; }
                var times = values["step_seconds"].Split(',').Select(t => double.Parse(t, invariant)).ToArray();
                // The first interval holds the model's construction and initialisation: the warm-up, dropped.
                double step = times.Skip(1).Average();
                long peak = long.Parse(values["peak_rss_bytes"], invariant);
                results[mode] = (step, peak, values["load"]);
                Console.WriteLine(string.Create(invariant,
                    $"{mode}: steps {string.Join(", ", times.Skip(1).Select(t => t.ToString("F1", invariant)))} s (mean {step:F1} s), peak RSS {peak / 1e9:F2} GB, load {values["load"]}"));
            }
            if (results.TryGetValue("lora", out var lora) && results.TryGetValue("full", out var full))
            {
                double rss = (double)lora.Peak / full.Peak, time = lora.Step / full.Step;
                Console.WriteLine();
                Console.WriteLine($"google/rembert size (random weights), batch {batch} x 128 tokens, {steps - 1} timed step(s) after 1 warm-up:");
                Console.WriteLine("| mode | peak RSS | s / step |");
                Console.WriteLine("| --- | --- | --- |");
                Console.WriteLine(string.Create(invariant, $"| full fine-tune (AdamW) | {full.Peak / 1e9:F2} GB | {full.Step:F1} |"));
                Console.WriteLine(string.Create(invariant, $"| LoRA r=8 query,value | {lora.Peak / 1e9:F2} GB | {lora.Step:F1} |"));
                Console.WriteLine(string.Create(invariant, $"| LoRA / full | {rss:F3} (target <= 0.45: {(rss <= 0.45 ? "met" : "MISSED")}) | {time:F3} (target <= 0.7: {(time <= 0.7 ? "met" : "MISSED")}) |"));
            }
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}

if (only is null or "accuracy")
{
    var seeds = (Value("--seeds") ?? "1,2,3").Split(',').Select(s => int.Parse(s, invariant)).ToArray();
    string[] epochs = Value("--epochs") is { } n ? ["--epochs", n] : [];
    var runs = seeds.SelectMany(seed => new[] { "full", "lora" }.Select(mode => (seed, mode))).ToArray();
    // --parallel runs every probe at once: on a machine shared with other work each gets its own share of the cores
    // (the accuracies do not depend on it; the seconds printed then do).
    var outcomes = args.Contains("--parallel")
        ? Task.WhenAll(runs.Select(run => Task.Run(() => ChildProbe.Run(run.mode, ["--probe", "accuracy", "--mode", run.mode, "--seed", $"{run.seed}", .. epochs])))).Result
        : runs.Select(run => ChildProbe.Run(run.mode, ["--probe", "accuracy", "--mode", run.mode, "--seed", $"{run.seed}", .. epochs])).ToArray();
    var accuracy = new Dictionary<string, List<double>> { ["full"] = [], ["lora"] = [] };
    foreach (var ((seed, mode), values) in runs.Zip(outcomes))
    {
        if (values is null) { failures++; continue; }
        accuracy[mode].Add(double.Parse(values["accuracy"], invariant));
        Console.WriteLine($"accuracy: {mode}, seed {seed}: {values["accuracy"]} ({values["epochs"]} epochs, learning rate {values["learning_rate"]}, {values["seconds"]} s)");
    }
    if (accuracy["full"].Count == seeds.Length && accuracy["lora"].Count == seeds.Length)
    {
        double full = accuracy["full"].Average(), lora = accuracy["lora"].Average();
        Console.WriteLine();
        Console.WriteLine($"Intent sample (embedded default model), held-out accuracy over seeds {string.Join(", ", seeds)}:");
        Console.WriteLine("| mode | learning rate | accuracy per seed | mean |");
        Console.WriteLine("| --- | --- | --- | --- |");
        Console.WriteLine(string.Create(invariant, $"| full fine-tune | 2e-4 | {string.Join(", ", accuracy["full"].Select(a => a.ToString("F3", invariant)))} | {full:F3} |"));
        Console.WriteLine(string.Create(invariant, $"| LoRA r=8 query,value (+ head, pooler) | {AccuracyProbe.LoraLearningRate:0e0} | {string.Join(", ", accuracy["lora"].Select(a => a.ToString("F3", invariant)))} | {lora:F3} |"));
        Console.WriteLine(string.Create(invariant, $"LoRA - full = {lora - full:+0.000;-0.000} (target: within 0.05: {(Math.Abs(lora - full) <= 0.05 ? "met" : "MISSED")})"));
    }
}
return failures == 0 ? 0 : 1;

static long ReadAvailable()
{
    var line = File.ReadLines("/proc/meminfo").First(l => l.StartsWith("MemAvailable:", StringComparison.Ordinal));
    return long.Parse(line["MemAvailable:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024;
}

static string RepositoryRoot()
{
    for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        if (File.Exists(Path.Combine(directory.FullName, "RemBert.sln")))
            return directory.FullName;
    throw new DirectoryNotFoundException("RemBert.sln not found above the benchmark's directory: run it from the repository.");
}
