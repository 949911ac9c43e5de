using System.Diagnostics;

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
        return null;
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
