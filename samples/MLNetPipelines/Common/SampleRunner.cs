using Microsoft.ML.RemBert.Trainers;

namespace MLNetPipelines.Common;

/// <summary>What every sample's Program does around its own steps: argument errors, cancellation, progress lines, exit codes.</summary>
public static class SampleRunner
{
    /// <summary>Parses the arguments and runs <paramref name="train"/> or <paramref name="predict"/>; returns the process exit code.</summary>
    public static int Run(string[] args, string defaultModelZip, Action<SampleArguments, CancellationToken> train, Action<SampleArguments> predict)
    {
        SampleArguments arguments;
        try
        {
            arguments = SampleArguments.Parse(args, defaultModelZip);
        }
        catch (ArgumentException ex)
        {
            Console.Error.WriteLine(ex.Message);
            Console.Error.WriteLine(SampleArguments.Usage);
            return 2;
        }

        // Ctrl+C stops training between steps; the zip is written atomically, so nothing half-written is left.
        using var cancellation = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) => { e.Cancel = true; cancellation.Cancel(); };
        try
        {
            if (arguments.PredictOnly) predict(arguments);
            else train(arguments, cancellation.Token);
            return 0;
        }
        catch (OperationCanceledException)
        {
            Console.Error.WriteLine("Cancelled.");
            return 130;
        }
        catch (ArgumentException ex) when (arguments.PredictOnly)
        {
            // predict's texts are checked by the sample (how many it takes): a usage error like the parser's.
            Console.Error.WriteLine(ex.Message);
            Console.Error.WriteLine(SampleArguments.Usage);
            return 2;
        }
        catch (Exception ex) when (ex is FormatException or IOException)
        {
            // A missing or malformed data file or zip: the message names it.
            Console.Error.WriteLine(ex.Message);
            return 1;
        }
    }

    /// <summary>Prints one line per epoch (and the last step), not every step: a sample's output stays readable.</summary>
    public static IProgress<RemBertTrainingProgress> EpochProgress() => new EpochProgressPrinter();

    private sealed class EpochProgressPrinter : IProgress<RemBertTrainingProgress>
    {
        public void Report(RemBertTrainingProgress value)
        {
            // Epochs have (nearly) equal step counts: a report whose step closes one is printed, with every validation.
            int stepsPerEpoch = Math.Max(1, (value.TotalSteps + value.MaxEpochs - 1) / value.MaxEpochs);
            if (value.ValidationMetric is not null || value.Step % stepsPerEpoch == 0 || value.Step == value.TotalSteps)
                Console.WriteLine($"  {value}");
        }
    }
}
