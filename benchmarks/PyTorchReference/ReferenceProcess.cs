using System.Diagnostics;
using System.Globalization;
using Microsoft.ML.RemBert.Trainers;

namespace PyTorchReference;

/// <summary>Runs reference_finetune.py (beside this executable) as a child process, under nice, with a task's recipe.</summary>
internal static class ReferenceProcess
{
    /// <summary>Fine-tunes <see cref="RemBertTrainerOptions.Model"/> on <paramref name="features"/> with <paramref name="options"/>' recipe into <paramref name="output"/>.</summary>
    public static void FineTune(string python, RemBertTrainerOptions options, string features, string output, int threads)
    {
        if (options.GradientAccumulationSteps != 1)
            throw new NotSupportedException($"GradientAccumulationSteps is {options.GradientAccumulationSteps}: the reference takes one batch per step.");
        string script = Path.Combine(AppContext.BaseDirectory, "reference_finetune.py");
        var start = new ProcessStartInfo("nice") { UseShellExecute = false };
        foreach (string argument in new[]
        {
            "-n", "5", python, script, "--start", options.Model, "--features", features, "--out", output,
            "--seed", Number(options.Seed ?? 1), "--epochs", Number(options.MaxEpochs), "--batch-size", Number(options.BatchSize),
            "--lr", Number(options.LearningRate), "--warmup-ratio", Number(options.WarmupRatio), "--weight-decay", Number(options.WeightDecay),
            "--max-grad-norm", Number(options.MaxGradNorm), "--threads", Number(threads),
        })
            start.ArgumentList.Add(argument);
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {python}.");
        process.WaitForExit();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{python} {script} exited with code {process.ExitCode} (features {features}).");
    }

    private static string Number(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
