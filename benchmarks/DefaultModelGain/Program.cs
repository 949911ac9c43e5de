// What the start checkpoint's pretraining is worth (issue 24, part 3): each sample's job (intents, entities, replies,
// answers: the sample's data, recipe and held-out evaluator) trained from the start checkpoint and from random weights
// of the same config and tokenizer, per seed, each run in its own child process; per-seed and mean tables in markdown.
//   dotnet run -c Release --project benchmarks/DefaultModelGain [-- --tasks intent,ner,mc,qa] [--seeds 1,2,3]
//       [--model DIR] [--epochs N] [--results FILE]
// --model DIR: a candidate checkpoint directory (config.json, weights, sentencepiece.model, tokenizer_config.json);
// default: the embedded default model. --epochs N replaces every sample's epochs on both sides (not the sample's recipe).
// --results FILE: each finished run is appended there, and runs already there are not run again (resume; or several
// processes, e.g. one per seed, appending to one file, then one more over all seeds prints the tables);
// with --table-only, only the tables over the runs already in FILE are printed.
using System.Diagnostics;
using System.Globalization;
using DefaultModelGain;
using MLNetPipelines.Common;
using ModelThroughput;

if (args is ["--probe", .. var probe])
    return GainProbe.Run(probe);

GainArguments arguments;
try
{
    arguments = GainArguments.Parse(args);
}
catch (ArgumentException ex)
{
    Console.Error.WriteLine(ex.Message);
    Console.Error.WriteLine(GainArguments.Usage);
    return 2;
}

Console.WriteLine($"Default model gain: start {arguments.Model ?? $"the embedded default model ({StartingWeights.DefaultModelDirectory()})"}; " +
                  $"tasks {string.Join(",", arguments.Tasks)}; seeds {string.Join(",", arguments.Seeds)}");
Console.WriteLine(arguments.Epochs is { } epochs
    ? $"EPOCHS OVERRIDDEN: {epochs} epoch(s) for every task on both sides, not the samples' recipes: these numbers are not the samples'."
    : "Epochs: each sample's own recipe.");
Console.WriteLine($"{Environment.ProcessorCount} cores; load average before (1/5/15 min): {ProcessMemory.LoadAverage()}");

string start = arguments.Model ?? StartingWeights.DefaultModelDirectory();
var earlier = arguments.Results is { } resultsPath ? GainResults.Read(resultsPath) : [];
var runs = new List<RunResult>();
int failures = 0;
var total = Stopwatch.StartNew();
foreach (string key in arguments.Tasks)
{
    var task = GainTask.All[key];
    foreach (int seed in arguments.Seeds)
    {
        // The two sides of a seed run back to back, so they share the machine's load as closely as one core allows.
        foreach (string side in new[] { Sides.Pretrained, Sides.Random })
        {
            if (GainResults.Find(earlier, start, arguments.Epochs, key, seed, side) is { } done)
            {
                runs.Add(done);
                Console.WriteLine($"{key}, seed {seed}, {side}: {task.MetricName} {done.Value.ToString("F" + task.Decimals, CultureInfo.InvariantCulture)} (from {arguments.Results})");
                continue;
            }
            if (arguments.TableOnly)
                continue;
            var values = ChildProbe.Run($"{key} {side} seed {seed}", GainProbe.Arguments(key, side, seed, arguments));
            if (values is null)
            {
                failures++;
                continue;
            }
            double Number(string name) => double.Parse(values[name], CultureInfo.InvariantCulture);
            var run = new RunResult(key, task.Name, task.MetricName, task.Decimals, start, arguments.Epochs, seed, side,
                Number("metric"), Number("wall_seconds"), Number("cpu_seconds"), values["load"]);
            runs.Add(run);
            if (arguments.Results is not null) GainResults.Append(arguments.Results, run);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{key}, seed {seed}, {side}: {task.MetricName} {run.Value.ToString("F" + task.Decimals, CultureInfo.InvariantCulture)} " +
                $"({run.WallSeconds:F0} s wall, {run.CpuSeconds:F0} s CPU, peak RSS {Number("peak_rss_bytes") / (1024 * 1024):F0} MiB, load {run.Load})"));
        }
    }
}

Console.WriteLine();
Console.WriteLine(GainTable.PerSeed(runs));
Console.WriteLine(GainTable.Means(runs));
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Total wall time {total.Elapsed.TotalMinutes:F1} min; load average after: {ProcessMemory.LoadAverage()}"));
if (failures > 0)
    Console.WriteLine($"{failures} run(s) failed (see stderr): their seeds count on neither side.");
return failures == 0 ? 0 : 1;
