using Microsoft.ML.RemBert.Checkpoints;
using Microsoft.ML.RemBert.Modeling;
using TorchSharp;
using TorchSharp.PyBridge;

namespace ModelThroughput;

/// <summary>
/// Runs in a fresh process so its peak RSS (VmHWM) covers only the runtime, libtorch and one checkpoint load,
/// and prints the peak before and after loading as key=value lines for the parent to read.
/// </summary>
internal static class LoadMemoryProbe
{
    /// <summary>Load with <see cref="RemBertCheckpoint.FromPretrained"/> (our streaming readers).</summary>
    public const string OursArgument = "--measure-load";

    /// <summary>Build the model from config.json, then TorchSharp.PyBridge's <c>load_py</c> on pytorch_model.bin, for comparison.</summary>
    public const string PyBridgeArgument = "--measure-load-pybridge";

    public const string BaselineKey = "baseline_peak_rss_bytes";
    public const string PeakKey = "load_peak_rss_bytes";
    public const string SecondsKey = "load_seconds";

    /// <param name="mode"><see cref="OursArgument"/> or <see cref="PyBridgeArgument"/>.</param>
    /// <param name="directory">The checkpoint directory.</param>
    /// <param name="precision">The precision our reader loads in (PyBridge always loads fp32).</param>
    public static int Run(string mode, string directory, RemBertPrecision precision = RemBertPrecision.Float32)
    {
        // Touch libtorch first so the baseline includes the native runtime, not just the CLR.
        using (torch.zeros(1)) { }
        long baseline = ProcessMemory.PeakResidentBytes();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        using var model = mode == PyBridgeArgument ? LoadWithPyBridge(directory) : LoadWithOurReaders(directory, precision);
        clock.Stop();
        Console.WriteLine($"{BaselineKey}={baseline}");
        Console.WriteLine($"{PeakKey}={ProcessMemory.PeakResidentBytes()}");
        Console.WriteLine($"{SecondsKey}={clock.Elapsed.TotalSeconds:F2}");
        return 0;
    }

    private static torch.nn.Module LoadWithOurReaders(string directory, RemBertPrecision precision) =>
        RemBertCheckpoint.FromPretrained(directory, options: new CheckpointLoadOptions { Log = Console.Error.WriteLine, Precision = precision });

    private static torch.nn.Module LoadWithPyBridge(string directory)
    {
        var model = RemBertModelFactory.Create(RemBertConfig.Load(directory));
        model.load_py(Path.Combine(directory, CheckpointFileNames.PyTorch));
        return model;
    }
}
