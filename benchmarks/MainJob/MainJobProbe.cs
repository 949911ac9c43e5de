using System.Diagnostics;
using System.Globalization;
using MLNetPipelines.Common;
using MLNetPipelines.TextClassification;
using ModelThroughput;

namespace MainJobBenchmark;

/// <summary>
/// One run of the sample's main job in a fresh process (so its peak RSS is the job's alone), started from the default
/// model's pretrained weights or from random weights of the same shape; prints key=value lines for the parent.
/// </summary>
internal static class MainJobProbe
{
    public const string Pretrained = "pretrained";
    public const string Random = "random";

    /// <summary>The probe's entry: <c>--probe pretrained|random [sample arguments]</c>.</summary>
    public static int Run(string start, string[] sampleArguments)
    {
        string directory = Path.Combine(Path.GetTempPath(), "rembert-mainjob-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        try
        {
            var arguments = SampleArguments.Parse(sampleArguments, Path.Combine(directory, "IntentModel.zip")) with { RandomWeights = start == Random };
            var clock = Stopwatch.StartNew();
            var result = MLNetPipelines.TextClassification.MainJob.Run(arguments, CancellationToken.None);
            double wallSeconds = clock.Elapsed.TotalSeconds;
            Print("wall_seconds", wallSeconds);
            Print("training_seconds", result.TrainingTime.TotalSeconds);
            Print("peak_rss_bytes", ProcessMemory.PeakResidentBytes());
            Print("micro_accuracy", result.MicroAccuracy);
            Print("macro_accuracy", result.MacroAccuracy);
            Print("classes", result.Classes);
            return 0;
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static void Print(string key, double value) => Console.WriteLine($"{key}={value.ToString("R", CultureInfo.InvariantCulture)}");
}
