using System.Globalization;
using OnnxComparison;

// Our TorchSharp forward (fp32, bf16) against ONNX Runtime (fp32, int8) on our own export of the same weights (issue 12)
// and on torch.onnx.export's (issue 23), a profile of where our fp32 forward's time goes, and ONNX Runtime's own
// profile of any exports. See README.md for the modes.
int Number(string name, int fallback) =>
    args.SkipWhile(arg => arg != name).Skip(1).Select(text => int.Parse(text, CultureInfo.InvariantCulture)).FirstOrDefault(fallback);

if (args is [Program.ChildArgument, var engine, var directory, var batch, var sequence, var repeats, var threads])
{
    int Parse(string text) => int.Parse(text, CultureInfo.InvariantCulture);
    var times = EngineTimer.BestSeconds(EngineKinds.Parse(engine), directory, Parse(batch), Parse(sequence), Parse(repeats), Parse(threads));
    Console.WriteLine($"{Program.SecondsKey}={times.BestSeconds.ToString("R", CultureInfo.InvariantCulture)}");
    Console.WriteLine($"{Program.CpuSecondsKey}={times.MedianCpuSeconds.ToString("R", CultureInfo.InvariantCulture)}");
    return 0;
}

if (args is [StandardExport.CheckArgument, var checkedDirectory])
{
    StandardExport.PrintDifference(checkedDirectory);
    return 0;
}

bool quick = args.Contains("--quick");
if (args.Contains("--profile"))
{
    ForwardProfile.Run(quick, Number("--rounds", quick ? 2 : 20), Number("--batch", 8), Number("--sequence", 128), Number("--threads", 0),
        args.SkipWhile(arg => arg != "--only").Skip(1).Take(1).SelectMany(text => text.Split(',')).ToArray());
    return 0;
}
string? Text(string name) => args.SkipWhile(arg => arg != name).Skip(1).FirstOrDefault();
if (Text("--prepare") is string keep)
{
    // The checkpoint and the three exports the table times, kept in KEEP (for --ort-profile).
    var config = quick ? ComparisonModels.Tiny : Text("--model")?.Contains("full", StringComparison.OrdinalIgnoreCase) == true
        ? ComparisonModels.FullSize : ComparisonModels.FourLayerFullWidth;
    var (onnxProblem, standardProblem) = ComparisonModels.Prepare(config, Directory.CreateDirectory(keep).FullName);
    foreach (var problem in new[] { onnxProblem, standardProblem }.OfType<string>()) Console.WriteLine(problem);
    return onnxProblem is null && standardProblem is null ? 0 : 1;
}
if (Text("--ort-profile") is string onnx)
{
    OrtProfile.Run(onnx.Split(','), Number("--batch", 8), Number("--sequence", 128), Number("--threads", Environment.ProcessorCount), Number("--runs", 5));
    return 0;
}
return ComparisonTable.Run(quick, Number("--repeats", quick ? 2 : 8), Text("--model"), Text("--shape")) ? 0 : 1;

/// <summary>The command line shared by the parent and its child processes.</summary>
internal static partial class Program
{
    /// <summary>The first argument of a child process: <c>--child ENGINE DIR BATCH SEQ REPEATS THREADS</c>.</summary>
    public const string ChildArgument = "--child";

    /// <summary>The key of the child's best wall-clock seconds per forward.</summary>
    public const string SecondsKey = "seconds";

    /// <summary>The key of the child's median CPU seconds per forward (all threads of the process).</summary>
    public const string CpuSecondsKey = "cpu_seconds";
}
