// The main job's benchmark: wall time and peak memory of the README's first command (the TextClassification sample,
// run in a fresh process from the embedded default model), and the default model's fine-tune gain: the same job
// (same data, seed, epochs) from random weights of the same shape, held-out accuracy of both and the difference.
//   dotnet run -c Release --project benchmarks/MainJob                       # the full job, twice
//   dotnet run -c Release --project benchmarks/MainJob -- --quick            # the sample's reduced mode: proves it works
// Any sample argument (--model DIR|HUB_ID, --epochs N, --quick) is passed on to both runs.
using System.Globalization;
using MainJobBenchmark;
using ModelThroughput;

if (args is ["--probe", var start, .. var sampleArguments])
    return MainJobProbe.Run(start, sampleArguments);

Console.WriteLine($"Main job benchmark ({string.Join(' ', args.DefaultIfEmpty("full run"))}); load average before: {ProcessMemory.LoadAverage()}");
var pretrained = ChildProbe.Run("pretrained", ["--probe", MainJobProbe.Pretrained, .. args]);
var random = ChildProbe.Run("random weights", ["--probe", MainJobProbe.Random, .. args]);
if (pretrained is null || random is null)
    return 1;

double Value(Dictionary<string, string> values, string key) => double.Parse(values[key], CultureInfo.InvariantCulture);
const double MiB = 1024.0 * 1024;
double chance = 1.0 / Value(pretrained, "classes");
Console.WriteLine($"main job (embedded default model): wall time {Value(pretrained, "wall_seconds"):F1} s " +
                  $"(training {Value(pretrained, "training_seconds"):F1} s), peak RSS {Value(pretrained, "peak_rss_bytes") / MiB:F0} MiB");
Console.WriteLine($"held-out micro accuracy: pretrained {Value(pretrained, "micro_accuracy"):F3}, random weights of the same shape " +
                  $"{Value(random, "micro_accuracy"):F3}, gain {Value(pretrained, "micro_accuracy") - Value(random, "micro_accuracy"):+0.000;-0.000} (chance {chance:F3})");
Console.WriteLine($"held-out macro accuracy: pretrained {Value(pretrained, "macro_accuracy"):F3}, random weights of the same shape " +
                  $"{Value(random, "macro_accuracy"):F3}, gain {Value(pretrained, "macro_accuracy") - Value(random, "macro_accuracy"):+0.000;-0.000}");
Console.WriteLine($"random-weights run: wall time {Value(random, "wall_seconds"):F1} s; load average after: {ProcessMemory.LoadAverage()}");
return 0;
