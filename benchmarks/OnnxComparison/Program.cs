using System.Globalization;
using OnnxComparison;

// Our TorchSharp forward (fp32, bf16) against ONNX Runtime (fp32, int8) on our own export of the same weights (issue 12),
// and a profile of where our fp32 forward's time goes. See README.md for the modes.
int Number(string name, int fallback) =>
    args.SkipWhile(arg => arg != name).Skip(1).Select(text => int.Parse(text, CultureInfo.InvariantCulture)).FirstOrDefault(fallback);

if (args is [Program.ChildArgument, var engine, var directory, var batch, var sequence, var repeats])
{
    double seconds = EngineTimer.BestSeconds(EngineKinds.Parse(engine), directory,
        int.Parse(batch, CultureInfo.InvariantCulture), int.Parse(sequence, CultureInfo.InvariantCulture), int.Parse(repeats, CultureInfo.InvariantCulture));
    Console.WriteLine($"{Program.SecondsKey}={seconds.ToString("R", CultureInfo.InvariantCulture)}");
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
return ComparisonTable.Run(quick, Number("--repeats", quick ? 2 : 8), Text("--model"), Text("--shape")) ? 0 : 1;

/// <summary>The command line shared by the parent and its child processes.</summary>
internal static partial class Program
{
    /// <summary>The first argument of a child process: <c>--child ENGINE DIR BATCH SEQ REPEATS</c>.</summary>
    public const string ChildArgument = "--child";

    /// <summary>The key of the child's one output line.</summary>
    public const string SecondsKey = "seconds";
}
