using System.Diagnostics;
using System.Globalization;
using MLNetPipelines.Common;
using ModelThroughput;

namespace DefaultModelGain;

/// <summary>
/// One run in a fresh process (libtorch's global generator, thread pool and memory are the run's alone): a task and a
/// seed, from the start checkpoint or from a random copy of it (<see cref="RandomStart"/>); prints key=value lines for
/// the parent (<see cref="ChildProbe"/>).
/// </summary>
internal static class GainProbe
{
    /// <summary>The arguments that start this probe for <paramref name="task"/>, <paramref name="side"/> and <paramref name="seed"/>.</summary>
    public static string[] Arguments(string task, string side, int seed, GainArguments arguments) =>
    [
        "--probe", task, side, seed.ToString(CultureInfo.InvariantCulture),
        .. arguments.Model is { } model ? ["--model", model] : Array.Empty<string>(),
        .. arguments.Epochs is { } epochs ? ["--epochs", epochs.ToString(CultureInfo.InvariantCulture)] : Array.Empty<string>(),
    ];

    /// <summary>The probe's entry: <c>--probe TASK pretrained|random SEED [--model DIR] [--epochs N]</c>.</summary>
    public static int Run(string[] args)
    {
        if (args is not [var taskKey, var side and (Sides.Pretrained or Sides.Random), var seedText, .. var rest] || !GainTask.All.TryGetValue(taskKey, out var task))
            throw new ArgumentException($"--probe {string.Join(' ', args)}: expected --probe TASK pretrained|random SEED [--model DIR] [--epochs N].");
        int seed = int.Parse(seedText, NumberStyles.None, CultureInfo.InvariantCulture);
        var options = GainArguments.Parse(rest);
        var clock = Stopwatch.StartNew();
        string start = options.Model ?? StartingWeights.DefaultModelDirectory();
        string? randomDirectory = null;
        try
        {
            if (side == Sides.Random)
            {
                randomDirectory = Directory.CreateTempSubdirectory("rembert-gain-random-").FullName;
                RandomStart.Write(start, randomDirectory, seed);
            }
            var sample = new SampleArguments { ModelZip = "unused.zip", Model = randomDirectory ?? start, Epochs = options.Epochs, Device = "cpu" };
            double metric = task.Train(sample, seed);
            Print("metric", metric);
            Print("wall_seconds", clock.Elapsed.TotalSeconds);
            using (var self = Process.GetCurrentProcess()) Print("cpu_seconds", self.TotalProcessorTime.TotalSeconds);
            Print("peak_rss_bytes", ProcessMemory.PeakResidentBytes());
            Console.WriteLine($"load={ProcessMemory.LoadAverage()}");
            return 0;
        }
        finally
        {
            if (randomDirectory is not null) Directory.Delete(randomDirectory, recursive: true);
        }
    }

    private static void Print(string key, double value) => Console.WriteLine($"{key}={value.ToString("R", CultureInfo.InvariantCulture)}");
}
