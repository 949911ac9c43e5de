using Microsoft.ML.RemBert.Checkpoints;
using TorchSharp;

namespace ModelThroughput;

/// <summary>
/// Runs in a fresh process so its peak RSS (VmHWM) covers only the runtime, libtorch and the checkpoint load:
/// it prints the peak before and after <see cref="RemBertPretrained.FromPretrained"/> as key=value lines.
/// </summary>
internal static class LoadMemoryProbe
{
    public const string ModeArgument = "--measure-load";
    public const string BaselineKey = "baseline_peak_rss_bytes";
    public const string PeakKey = "load_peak_rss_bytes";
    public const string SecondsKey = "load_seconds";

    public static int Run(string directory)
    {
        // Touch libtorch first so the baseline includes the native runtime, not just the CLR.
        using (torch.zeros(1)) { }
        long baseline = ProcessMemory.PeakResidentBytes();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        using var model = RemBertPretrained.FromPretrained(directory, options: new CheckpointLoadOptions { Log = Console.Error.WriteLine });
        clock.Stop();
        Console.WriteLine($"{BaselineKey}={baseline}");
        Console.WriteLine($"{PeakKey}={ProcessMemory.PeakResidentBytes()}");
        Console.WriteLine($"{SecondsKey}={clock.Elapsed.TotalSeconds:F2}");
        return 0;
    }
}
