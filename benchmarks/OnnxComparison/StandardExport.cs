using System.Diagnostics;
using System.Globalization;
using Microsoft.ML.OnnxRuntime;
using ModelThroughput;

namespace OnnxComparison;

/// <summary>
/// The peer graph: the same checkpoint exported the way a Python user exports a transformers model (torch.onnx.export,
/// opset 14), by <c>export_standard_onnx.py</c> with Debian's python3-torch.
/// </summary>
internal static class StandardExport
{
    /// <summary>How a problem that is python3-torch's absence starts.</summary>
    public const string NoTorch = "python3-torch absent";

    /// <summary>The interpreter that has Debian's python3-torch.</summary>
    private const string Python = "/usr/bin/python3";

    /// <summary>The script, copied beside the benchmark.</summary>
    private static string Script => Path.Combine(AppContext.BaseDirectory, "export_standard_onnx.py");

    /// <summary>Exports the checkpoint in <paramref name="checkpoint"/> to <paramref name="onnx"/>; returns why it could not, or null.</summary>
    public static string? Write(string checkpoint, string onnx)
    {
        if (!File.Exists(Python))
            return $"{NoTorch}: no {Python}";
        var start = new ProcessStartInfo(Python) { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add("import torch");
        if (RunQuietly(start) is not 0)
            return $"{NoTorch}: {Python} cannot import torch (apt-get install python3-torch)";
        start.ArgumentList.Clear();
        foreach (var arg in new[] { Script, checkpoint, onnx }) start.ArgumentList.Add(arg);
        var clock = Stopwatch.StartNew();
        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        string output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
            return $"export_standard_onnx.py failed (exit {process.ExitCode}): {error.Result.Trim().Split('\n').LastOrDefault()}";
        Console.WriteLine($"  exported {Path.GetFileName(onnx)} with torch.onnx.export: {new FileInfo(onnx).Length:N0} bytes " +
            $"({clock.Elapsed.TotalSeconds:F0} s; {output.Trim().Split('\n').LastOrDefault()?.Split(" logits")[0]})");
        // The peer must compute what ours computes, or its speed says nothing: compared in a child (two sessions' memory).
        if (!File.Exists(Path.Combine(checkpoint, EngineKinds.OnnxFile(EngineKind.OrtFloat32))))
            return null; // no export of ours to compare with (the table says why)
        var check = ChildProbe.Run("standard export check", CheckArgument, Path.GetDirectoryName(onnx)!);
        if (check is null)
            return "the check of the standard export against ours failed";
        double difference = double.Parse(check[DifferenceKey], CultureInfo.InvariantCulture);
        Console.WriteLine($"  standard export against ours: max |score difference| {difference:G3} over 2 x 16 ids");
        return difference <= Tolerance ? null : $"the standard export disagrees with ours: max |score difference| {difference:G3} > {Tolerance}";
    }

    /// <summary>The first argument of the agreement check's child process: <c>--check-standard DIR</c>.</summary>
    public const string CheckArgument = "--check-standard";

    /// <summary>The key of the check's output line.</summary>
    public const string DifferenceKey = "difference";

    /// <summary>Float32 rounding over a few layers of different operator orders; a mapped-wrong weight is far above.</summary>
    private const double Tolerance = 1e-3;

    /// <summary>
    /// The largest |Score − (logit₁ − logit₀)| between our fp32 export (Score: the binary head's log-odds) and the
    /// standard export's logits in <paramref name="directory"/>, for the same 2 x 16 ids; prints it as the check's line.
    /// </summary>
    public static void PrintDifference(string directory)
    {
        const int batch = 2, sequence = 16;
        float[] Outputs(EngineKind engine)
        {
            using var options = EngineTimer.OrtSessionOptions(1);
            using var session = new InferenceSession(Path.Combine(directory, EngineKinds.OnnxFile(engine)), options);
            var inputs = EngineTimer.OrtInputs(session, batch, sequence);
            string output = session.OutputMetadata.Keys.Contains("Score.output") ? "Score.output" : session.OutputMetadata.Keys.First();
            using var results = session.Run(inputs, [output]);
            return results.First().AsEnumerable<float>().ToArray();
        }
        var ours = Outputs(EngineKind.OrtFloat32);
        var logits = Outputs(EngineKind.OrtStandardFloat32);
        int labels = logits.Length / batch;
        double difference = Enumerable.Range(0, batch).Max(row => Math.Abs(ours[row] - (logits[row * labels + 1] - logits[row * labels])));
        Console.WriteLine($"{DifferenceKey}={difference.ToString("R", CultureInfo.InvariantCulture)}");
    }

    private static int RunQuietly(ProcessStartInfo start)
    {
        using var process = Process.Start(start)!;
        process.StandardError.ReadToEnd();
        process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return process.ExitCode;
    }
}
