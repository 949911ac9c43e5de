// The accuracy cost of int8 ONNX exports on models fine-tuned from the embedded default model: each sample task is
// trained exactly as its sample trains it, saved as an ML.NET zip and reloaded, exported fp32 and int8 with
// ConvertToOnnx, and its held-out data scored three ways (the zip, ONNX Runtime fp32, ONNX Runtime int8).
//   dotnet build benchmarks/OnnxAccuracy -c Release
//   dotnet benchmarks/OnnxAccuracy/bin/Release/net10.0/OnnxAccuracy.dll            # the samples' full training
//   dotnet benchmarks/OnnxAccuracy/bin/Release/net10.0/OnnxAccuracy.dll --quick    # the samples' --quick training: a smoke run
// --only intents,entities,choices,answers runs some tasks; --keep DIR keeps the zips and ONNX files there (default: a
// temporary directory, deleted at the end). Other arguments go to the samples (--epochs N, --model DIR|HUB_ID, --device).
using Microsoft.ML;
using MLNetPipelines.Common;
using OnnxAccuracy;

// The fp32 export's tolerance against the zip (the export tests' own).
const double Fp32Tolerance = 1e-4;
var tasks = new (string Key, Func<SampleArguments, string, CancellationToken, HeldOutTask> Create)[]
{
    ("intents", (a, zip, ct) => new IntentTask(a, zip, ct)),
    ("entities", (a, zip, ct) => new EntityTask(a, zip, ct)),
    ("choices", (a, zip, ct) => new ReplyTask(a, zip, ct)),
    ("answers", (a, zip, ct) => new AnswerTask(a, zip, ct)),
};

string? keep = null;
string[]? only = null;
var sampleArgs = new List<string>();
for (int i = 0; i < args.Length; i++)
{
    if (args[i] is "--keep" or "--only")
    {
        if (i + 1 >= args.Length)
            return Usage($"{args[i]} needs a value.");
        if (args[i] == "--keep") keep = args[++i];
        else only = args[++i].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    }
    else sampleArgs.Add(args[i]);
}
if (only?.FirstOrDefault(key => tasks.All(task => task.Key != key)) is { } unknown)
    return Usage($"--only: unknown task '{unknown}'.");

SampleArguments arguments;
try
{
    arguments = SampleArguments.Parse([.. sampleArgs], defaultModelZip: "unused.zip");
    if (arguments.PredictOnly)
        return Usage("predict is not a benchmark mode.");
}
catch (ArgumentException ex)
{
    return Usage(ex.Message);
}

using var cancellation = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) => { e.Cancel = true; cancellation.Cancel(); };
string directory = keep ?? Path.Combine(Path.GetTempPath(), $"OnnxAccuracy-{Environment.ProcessId}");
Directory.CreateDirectory(directory);
Console.WriteLine($"ONNX int8 accuracy benchmark ({(arguments.Quick ? "--quick" : "full training")}), from {StartingWeights.Describe(arguments.Model, arguments.RandomWeights)}; files in {directory}");
try
{
    var measurements = new List<TaskMeasurement>();
    foreach (var (key, create) in tasks.Where(task => only is null || only.Contains(task.Key)))
    {
        Console.WriteLine($"== {key}: training as the sample does");
        using var task = create(arguments, Path.Combine(directory, $"{key}.zip"), cancellation.Token);
        Console.WriteLine($"== {key}: scoring {task.HeldOutRows} held-out rows with the zip, exporting fp32 and int8, scoring with ONNX Runtime");
        measurements.Add(TaskMeasurement.Of(task, new MLContext(seed: 1), directory, key));
        Console.WriteLine(AccuracyTable.Format(measurements[^1..]));
    }
    Console.WriteLine();
    Console.WriteLine(AccuracyTable.Format(measurements));
    // The fp32 export is the yardstick of the int8 one: if it does not reproduce the zip, the int8 numbers mean nothing.
    var broken = measurements.Where(m => m.Fp32.Agreeing != m.Units || m.Fp32.MaxScoreDifference > Fp32Tolerance).Select(m => m.Task).ToArray();
    if (broken.Length > 0)
    {
        Console.Error.WriteLine($"The fp32 export does not reproduce the zip (same labels, scores within {Fp32Tolerance}) for: {string.Join(", ", broken)}.");
        return 1;
    }
    return 0;
}
catch (OperationCanceledException)
{
    Console.Error.WriteLine("Cancelled.");
    return 130;
}
finally
{
    if (keep is null)
        Directory.Delete(directory, recursive: true);
}

static int Usage(string message)
{
    Console.Error.WriteLine(message);
    Console.Error.WriteLine("usage: OnnxAccuracy [--quick] [--epochs N] [--model DIR|HUB_ID] [--device cpu|cuda|auto] [--only intents,entities,choices,answers] [--keep DIR]");
    return 2;
}
