// Our trainers against a PyTorch reference fine-tune written from transformers' semantics (reference_finetune.py,
// Debian's python3-torch), per task: the same start (the embedded default model), the same sample data and recipe
// (each sample's own trainer options), the same training examples (token ids and labels as our trainer builds them),
// 3 seeds each side, and the same held-out evaluator (the reference's checkpoint is scored through ApplyRemBertModel
// in the sample's pipeline). Requirement: our mean metric lies within the reference's min-max over its seeds.
//   dotnet run -c Release --project benchmarks/PyTorchReference [-- --tasks intent,ner,qa,mc] [--seeds 1,2,3]
//       [--threads 1] [--side ours|reference|both] [--results FILE] [--python /usr/bin/python3] [--table-only]
//   --initial-loss: instead, each task's starting model (the reference's, new head included) scored by both sides'
//   loss on the same first batch in eval mode: the implementations compared without seed noise.
//   --epochs N overrides every recipe's epochs: a smoke test of the plumbing only (use another --results file).
// Python and .NET run one after the other (never at once), each on --threads threads, under nice.
using System.Diagnostics;
using System.Globalization;
using PyTorchReference;

var arguments = BenchmarkArguments.Parse(args);
TorchSharp.torch.set_num_threads(arguments.Threads);
var store = ResultStore.Open(arguments.ResultsPath);
string work = Directory.CreateTempSubdirectory("pytorch-reference-").FullName;
Console.WriteLine($"PyTorch reference benchmark: tasks {string.Join(", ", arguments.Tasks.Select(t => t.Name))}; seeds {string.Join(",", arguments.Seeds)}; " +
                  $"{arguments.Threads} thread(s) per side; results {arguments.ResultsPath}; load average {File.ReadAllText("/proc/loadavg").Split(' ')[0]}");
try
{
    if (arguments.InitialLoss)
    {
        Console.WriteLine("| task | reference initial loss | ours, same weights and batch | difference |");
        Console.WriteLine("| --- | --- | --- | --- |");
        foreach (var task in arguments.Tasks)
        {
            string features = Path.Combine(work, task.ReferenceHead + ".features.json");
            task.WriteFeatures(features);
            string checkpoint = Path.Combine(work, task.ReferenceHead + "-initial");
            double reference = ReferenceProcess.InitialLoss(arguments.Python, task.Options(1), features, checkpoint, arguments.Threads);
            double ours = task.InitialLoss(checkpoint);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {task.Name} | {reference:F6} | {ours:F6} | {Math.Abs(ours - reference):E1} |"));
        }
        return 0;
    }
    foreach (var task in arguments.TableOnly ? [] : arguments.Tasks)
    {
        if (arguments.Side is "ours" or "both")
        {
            foreach (int seed in arguments.Seeds)
            {
                var clock = Stopwatch.StartNew();
                double metric = task.TrainOurs(seed, arguments.Epochs);
                store.Set(task.Name, "ours", seed, metric);
                Console.WriteLine($"{task.Name}, ours, seed {seed}: {task.MetricName} {metric:F4} ({clock.Elapsed.TotalSeconds:F0} s)");
            }
        }
        if (arguments.Side is "reference" or "both")
        {
            string features = Path.Combine(work, task.ReferenceHead + ".features.json");
            task.WriteFeatures(features);
            foreach (int seed in arguments.Seeds)
            {
                var clock = Stopwatch.StartNew();
                string checkpoint = Path.Combine(work, $"{task.ReferenceHead}-seed{seed}");
                var options = task.Options(seed);
                options.MaxEpochs = arguments.Epochs ?? options.MaxEpochs;
                ReferenceProcess.FineTune(arguments.Python, options, features, checkpoint, arguments.Threads);
                double metric = task.EvaluateCheckpoint(checkpoint);
                Directory.Delete(checkpoint, recursive: true);
                store.Set(task.Name, "reference", seed, metric);
                Console.WriteLine($"{task.Name}, reference, seed {seed}: {task.MetricName} {metric:F4} ({clock.Elapsed.TotalSeconds:F0} s)");
            }
        }
    }
}
finally
{
    Directory.Delete(work, recursive: true);
}

Console.WriteLine();
Console.WriteLine(ComparisonTable.Format(BenchmarkTask.All, store));
return 0;
