using System.CommandLine;
using Microsoft.ML.RemBert.Cli.DataFiles;
using Microsoft.ML.RemBert.Cli.Tasks;

namespace Microsoft.ML.RemBert.Cli.Commands;

/// <summary>
/// <c>rembert evaluate --model model.zip --data FILE [--json]</c>: finds the model's task from the transformers in its
/// chain, reads the data file in that task's format and prints the task's metrics (text, or one JSON object).
/// </summary>
public static class EvaluateCommand
{
    /// <summary>Builds the command; SIGINT/SIGTERM cancel it through <paramref name="interruption"/>.</summary>
    public static System.CommandLine.Command Create(Interruption interruption)
    {
        var model = new Option<FileInfo>("--model") { Description = "A model zip that 'rembert train' (or a RemBERT trainer) saved.", Required = true };
        var data = new Option<FileInfo>("--data") { Description = "Labelled data in the task's training format.", Required = true };
        var json = new Option<bool>("--json") { Description = "Print the metrics as one JSON object." };
        var command = new System.CommandLine.Command("evaluate", "Score a saved RemBERT model on labelled data and print the task's metrics.") { model, data, json };
        command.SetAction(parse => CliErrors.Run("evaluate", parse.InvocationConfiguration.Error, interruption, () =>
            Run(parse.GetValue(model)!.FullName, parse.GetValue(data)!.FullName, parse.GetValue(json), interruption.Token)));
        return command;
    }

    private static int Run(string modelPath, string dataPath, bool json, CancellationToken cancellationToken)
    {
        var mlContext = new MLContext();
        var model = ModelZip.Load(mlContext, modelPath, out _);
        var task = TaskTable.Of(model, modelPath);
        var data = task.Read(mlContext, dataPath);
        cancellationToken.ThrowIfCancellationRequested();
        TaskMetrics metrics;
        try
        {
            metrics = task.Evaluate(mlContext, model, data);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            // The model checks the data's columns and values as it scores them: the user's file.
            throw new InvalidDataException($"{dataPath} does not fit the model {modelPath}: {e.Message}", e);
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"{dataPath}: {e.Message}", e);
        }
        Console.Out.Write(json ? MetricsWriter.Json(metrics) + "\n" : MetricsWriter.Text(metrics));
        return ExitCodes.Success;
    }
}
