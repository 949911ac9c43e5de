using System.Diagnostics;
using System.Globalization;
using Microsoft.ML.RemBert.Trainers;

namespace PyTorchReference;

/// <summary>Runs reference_finetune.py (beside this executable) as a child process, under nice, with a task's recipe.</summary>
internal static class ReferenceProcess
{
    /// <summary>Fine-tunes <see cref="RemBertTrainerOptions.Model"/> on <paramref name="features"/> with <paramref name="options"/>' recipe into <paramref name="output"/>.</summary>
    public static void FineTune(string python, RemBertTrainerOptions options, string features, string output, int threads)
        => Run(python, options, features, output, threads, initialLossOnly: false);

    /// <summary>
    /// Saves the reference's starting model (the checkpoint with its new head) to <paramref name="output"/> and returns
    /// the loss it printed for the first batch of <paramref name="features"/> in eval mode.
    /// </summary>
    public static double InitialLoss(string python, RemBertTrainerOptions options, string features, string output, int threads)
    {
        string printed = Run(python, options, features, output, threads, initialLossOnly: true);
        const string Prefix = "initial loss ";
        string line = printed.Split('\n').LastOrDefault(l => l.StartsWith(Prefix, StringComparison.Ordinal))
            ?? throw new InvalidOperationException($"reference_finetune.py printed no '{Prefix}' line: {printed}");
        return double.Parse(line[Prefix.Length..], CultureInfo.InvariantCulture);
    }

    private static string Run(string python, RemBertTrainerOptions options, string features, string output, int threads, bool initialLossOnly)
    {
        if (options.GradientAccumulationSteps != 1)
            throw new NotSupportedException($"GradientAccumulationSteps is {options.GradientAccumulationSteps}: the reference takes one batch per step.");
        string script = Path.Combine(AppContext.BaseDirectory, "reference_finetune.py");
        var start = new ProcessStartInfo("nice") { UseShellExecute = false, RedirectStandardOutput = initialLossOnly };
        foreach (string argument in new[]
        {
            "-n", "5", python, script, "--start", options.Model, "--features", features, "--out", output,
            "--seed", Number(options.Seed ?? 1), "--epochs", Number(options.MaxEpochs), "--batch-size", Number(options.BatchSize),
            "--lr", Number(options.LearningRate), "--warmup-ratio", Number(options.WarmupRatio), "--weight-decay", Number(options.WeightDecay),
            "--max-grad-norm", Number(options.MaxGradNorm), "--threads", Number(threads),
        })
            start.ArgumentList.Add(argument);
        if (initialLossOnly)
            start.ArgumentList.Add("--initial-loss-only");
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {python}.");
        string printed = initialLossOnly ? process.StandardOutput.ReadToEnd() : "";
        process.WaitForExit();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{python} {script} exited with code {process.ExitCode} (features {features}).");
        return printed;
    }

    private static string Number(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
