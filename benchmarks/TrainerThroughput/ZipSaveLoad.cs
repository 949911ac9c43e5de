using System.Diagnostics;
using Microsoft.ML;
using Microsoft.ML.RemBert.MLNet.Trainers;
using Microsoft.ML.RemBert.Modeling;
using Microsoft.ML.RemBert.Tokenization;
using Microsoft.ML.RemBert.Trainers;
using Microsoft.ML.Runtime;
using ModelThroughput;
using TorchSharp;
using static ModelThroughput.BenchmarkSettings;

namespace TrainerThroughput;

/// <summary>
/// A trained full-size transformer (random weights: training it here would take hours) saved with
/// <c>mlContext.Model.Save</c>, and loaded with <c>mlContext.Model.Load</c> in a fresh process: times and peak RSS.
/// </summary>
internal static class ZipSaveLoad
{
    public const string LoadArgument = "--zip-load";
    private const string BaselineKey = "baseline_peak_rss_bytes", PeakKey = "load_peak_rss_bytes", SecondsKey = "load_seconds", ManagedKey = "managed_heap_bytes";

    public sealed record Result(double WeightGiB, double SaveSeconds, double SavePeakGiB, double SaveExtraGiB,
        string LoadSeconds, double LoadPeakGiB, double LoadAboveBaselineGiB, double LoadManagedMiB);

    public static Result Measure(MLContext ml, RemBertTokenizer tokenizer, BenchmarkOptions options)
    {
        var config = options.FullSizeConfig(tokenizer.SentencePiece.VocabularySize).WithLabels(["False", "True"])
            with { ProblemType = RemBertProblemType.SingleLabelClassification };
        var model = new RemBertForSequenceClassification(config);
        model.eval();
        double weightGiB = model.CountParameters() * sizeof(float) / BytesPerGiB;
        var task = new SequenceScoringTask(new SequenceEncoder(tokenizer, "Sentence1", null, 128), model, new BinaryProblem("Score", "Probability", "PredictedLabel"));
        using var transformer = new RemBertBinaryClassificationTransformer((IHostEnvironment)ml, task, 32);
        var schema = ml.Data.LoadFromEnumerable(new[] { new Row("x") }).Schema;
        string path = Path.Combine(Path.GetTempPath(), $"rembert-trainer-throughput-{Guid.NewGuid():N}.zip");
        try
        {
            ResetPeak();
            double before = ProcessMemory.ResidentBytes() / BytesPerGiB;
            var save = Stopwatch.StartNew();
            ml.Model.Save(transformer, schema, path);
            save.Stop();
            double savePeak = ProcessMemory.PeakResidentBytes() / BytesPerGiB;
            Console.WriteLine($"Model.Save: {weightGiB:F2} GiB of fp32 weights ({config.NumHiddenLayers} layers, hidden {config.HiddenSize}, vocab {config.VocabSize}) " +
                $"into a {new FileInfo(path).Length / BytesPerGiB:F2} GiB zip in {save.Elapsed.TotalSeconds:F1} s; RSS before {before:F2} GiB, peak during save {savePeak:F2} GiB");

            var values = ChildProbe.Run("Model.Load", LoadArgument, path) ?? throw new InvalidOperationException("The load probe failed.");
            double baseline = long.Parse(values[BaselineKey]) / BytesPerGiB, peak = long.Parse(values[PeakKey]) / BytesPerGiB;
            double managed = long.Parse(values[ManagedKey]) / (1024.0 * 1024);
            Console.WriteLine($"Model.Load in a fresh process: {values[SecondsKey]} s, peak RSS {peak:F2} GiB, before loading {baseline:F2} GiB, managed heap after load {managed:F0} MiB");
            return new Result(weightGiB, save.Elapsed.TotalSeconds, savePeak, savePeak - before, values[SecondsKey], peak, peak - baseline, managed);
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>Child mode: loads <paramref name="path"/> with Model.Load and prints key=value lines for the parent.</summary>
    public static int RunLoadProbe(string path)
    {
        using (torch.zeros(1)) { } // the baseline includes libtorch, not just the CLR
        long baseline = ProcessMemory.PeakResidentBytes();
        var ml = new MLContext();
        var clock = Stopwatch.StartNew();
        var loaded = ml.Model.Load(path, out _);
        clock.Stop();
        Console.WriteLine($"{BaselineKey}={baseline}");
        Console.WriteLine($"{PeakKey}={ProcessMemory.PeakResidentBytes()}");
        Console.WriteLine($"{SecondsKey}={clock.Elapsed.TotalSeconds:F2}");
        Console.WriteLine($"{ManagedKey}={GC.GetTotalMemory(forceFullCollection: true)}");
        (loaded as IDisposable)?.Dispose();
        return 0;
    }

    // Linux: writing 5 to clear_refs resets VmHWM, so the peak measured covers the save alone.
    private static void ResetPeak()
    {
        try { File.WriteAllText("/proc/self/clear_refs", "5"); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }

    private sealed record Row(string Sentence1);
}
