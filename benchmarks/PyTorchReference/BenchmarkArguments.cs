using System.Globalization;

namespace PyTorchReference;

/// <summary>The benchmark's command line; an <see cref="ArgumentException"/> names the argument at fault.</summary>
internal sealed record BenchmarkArguments(IReadOnlyList<BenchmarkTask> Tasks, IReadOnlyList<int> Seeds, int Threads, string Side,
    string ResultsPath, string Python, bool TableOnly, int? Epochs, bool InitialLoss)
{
    private static readonly Dictionary<string, string> TaskNames = new()
    {
        ["intent"] = "text classification", ["ner"] = "NER", ["qa"] = "question answering", ["mc"] = "multiple choice",
    };

    public static BenchmarkArguments Parse(string[] args)
    {
        var tasks = BenchmarkTask.All.ToList();
        IReadOnlyList<int> seeds = [1, 2, 3];
        int threads = 1;
        string side = "both", results = "pytorch-reference-results.json", python = "/usr/bin/python3";
        bool tableOnly = false, initialLoss = false;
        int? epochs = null;
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--tasks":
                    tasks = Value(args, ref i).Split(',').Select(name => TaskNames.TryGetValue(name, out var full)
                        ? BenchmarkTask.All.Single(task => task.Name == full)
                        : throw new ArgumentException($"--tasks: unknown task '{name}'; the tasks are {string.Join(", ", TaskNames.Keys)}.")).ToList();
                    break;
                case "--seeds":
                    seeds = Value(args, ref i).Split(',').Select(text => int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int seed)
                        ? seed : throw new ArgumentException($"--seeds: '{text}' is not a whole number.")).ToList();
                    break;
                case "--threads":
                    string count = Value(args, ref i);
                    if (!int.TryParse(count, NumberStyles.None, CultureInfo.InvariantCulture, out threads) || threads < 1)
                        throw new ArgumentException($"--threads is '{count}'; it must be a whole number of at least 1.");
                    break;
                case "--side":
                    side = Value(args, ref i);
                    if (side is not ("ours" or "reference" or "both"))
                        throw new ArgumentException($"--side is '{side}'; it must be ours, reference or both.");
                    break;
                case "--results": results = Value(args, ref i); break;
                case "--python": python = Value(args, ref i); break;
                case "--table-only": tableOnly = true; break;
                case "--initial-loss": initialLoss = true; break;
                case "--epochs":
                    string text = Value(args, ref i);
                    epochs = int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int n) && n >= 1
                        ? n : throw new ArgumentException($"--epochs is '{text}'; it must be a whole number of at least 1.");
                    break;
                default: throw new ArgumentException($"unknown argument '{args[i]}'.");
            }
        }
        return new BenchmarkArguments(tasks, seeds, threads, side, Path.GetFullPath(results), python, tableOnly, epochs, initialLoss);
    }

    private static string Value(string[] args, ref int i)
    {
        if (i + 1 >= args.Length || args[i + 1].StartsWith("--", StringComparison.Ordinal))
            throw new ArgumentException($"{args[i]} needs a value.");
        return args[++i];
    }
}
