using System.Globalization;

namespace DefaultModelGain;

/// <summary>
/// The benchmark's command line: <c>[--tasks intent,ner,mc,qa] [--seeds 1,2,3] [--model DIR] [--epochs N] [--results FILE [--table-only]]</c>.
/// </summary>
/// <param name="Tasks">Task keys (<see cref="TaskKeys"/>), in the order given.</param>
/// <param name="Seeds">The seeds; each one is a pretrained run and a random-weights run.</param>
/// <param name="Model">The start checkpoint's directory (full path); null: the embedded default model.</param>
/// <param name="Epochs">Overrides every sample's epochs on both sides; null: each sample's own recipe.</param>
/// <param name="Results">A JSON-lines file (full path) every finished run is appended to and that earlier runs are read from; null: none.</param>
/// <param name="TableOnly">Print the tables over the runs already in <see cref="Results"/>; run nothing.</param>
internal sealed record GainArguments(IReadOnlyList<string> Tasks, IReadOnlyList<int> Seeds, string? Model, int? Epochs, string? Results = null, bool TableOnly = false)
{
    /// <summary>The tasks, in the tables' order: the four samples of samples/MLNetPipelines.</summary>
    public static IReadOnlyList<string> TaskKeys { get; } = ["intent", "ner", "mc", "qa"];

    /// <summary>The usage line printed with an argument error.</summary>
    public const string Usage = "usage: [--tasks intent,ner,mc,qa] [--seeds 1,2,3] [--model DIR] [--epochs N] [--results FILE [--table-only]]";

    /// <summary>Parses <paramref name="args"/>; an <see cref="ArgumentException"/> names the argument and value at fault.</summary>
    public static GainArguments Parse(string[] args)
    {
        IReadOnlyList<string> tasks = TaskKeys;
        IReadOnlyList<int> seeds = [1, 2, 3];
        string? model = null, results = null;
        int? epochs = null;
        bool tableOnly = false;
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--tasks":
                    tasks = List(args[i], Value(args, ref i), key => TaskKeys.Contains(key)
                        ? key : throw new ArgumentException($"--tasks: unknown task '{key}'; the tasks are {string.Join(", ", TaskKeys)}."));
                    break;
                case "--seeds":
                    seeds = List(args[i], Value(args, ref i), text => int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int seed)
                        ? seed : throw new ArgumentException($"--seeds: '{text}' is not a whole number."));
                    break;
                case "--model":
                    string directory = Value(args, ref i);
                    if (!File.Exists(Path.Combine(directory, "config.json")))
                        throw new ArgumentException($"--model '{directory}': no config.json there; it must be a checkpoint directory.");
                    model = Path.GetFullPath(directory);
                    break;
                case "--epochs":
                    string text = Value(args, ref i);
                    epochs = int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int n) && n >= 1
                        ? n : throw new ArgumentException($"--epochs is '{text}'; it must be a whole number of at least 1.");
                    break;
                case "--results": results = Path.GetFullPath(Value(args, ref i)); break;
                case "--table-only": tableOnly = true; break;
                default: throw new ArgumentException($"unknown argument '{args[i]}'.");
            }
        }
        if (tableOnly && results is null)
            throw new ArgumentException("--table-only needs --results FILE: the runs to tabulate.");
        return new GainArguments(tasks, seeds, model, epochs, results, tableOnly);
    }

    // A comma-separated list without repeats: a repeated task or seed would count one run twice in the means.
    private static List<T> List<T>(string name, string text, Func<string, T> parse)
    {
        var items = text.Split(',').Select(item => parse(item.Trim())).ToList();
        var repeated = items.GroupBy(item => item).FirstOrDefault(group => group.Count() > 1);
        if (repeated is not null)
            throw new ArgumentException($"{name}: '{repeated.Key}' is given twice.");
        return items;
    }

    private static string Value(string[] args, ref int i)
    {
        if (i + 1 >= args.Length || args[i + 1].StartsWith("--", StringComparison.Ordinal))
            throw new ArgumentException($"{args[i]} needs a value.");
        return args[++i];
    }
}
