using System.CommandLine;
using Microsoft.ML.RemBert.Cli.DataFiles;
using Microsoft.ML.RemBert.Cli.Tasks;
using Microsoft.ML.RemBert.MLNet.Scoring;
using Microsoft.ML.RemBert.Trainers;

namespace Microsoft.ML.RemBert.Cli.Commands;

/// <summary>
/// <c>rembert export --model MODEL.zip --output DIR</c>: writes the RemBERT model of an ML.NET zip (a trainer's, or
/// one applied from a checkpoint) as a transformers checkpoint directory, for Python, the Hub or <c>predict --model DIR</c>
/// (see <c>SaveAsPretrained</c>). The directory appears whole or not at all.
/// </summary>
public static class ExportCommand
{
    /// <summary>Builds the command; SIGINT/SIGTERM cancel it through <paramref name="interruption"/>.</summary>
    public static System.CommandLine.Command Create(Interruption interruption)
    {
        var model = new Option<FileInfo>("--model") { Description = "ML.NET model zip holding one RemBERT transformer (mlContext.Model.Save, rembert train).", Required = true };
        var output = new Option<DirectoryInfo>("--output")
        {
            Description = "The checkpoint directory to write (config.json, model.safetensors, sentencepiece.model, tokenizer_config.json, special_tokens_map.json); replaced if it exists.",
            Required = true,
        };
        var command = new System.CommandLine.Command("export", "Export the RemBERT model of an ML.NET zip as a transformers checkpoint directory.");
        command.Options.Add(model);
        command.Options.Add(output);
        command.SetAction(parseResult => CliErrors.Run("export", parseResult.InvocationConfiguration.Error, interruption,
            () => Run(parseResult.GetValue(model)!, parseResult.GetValue(output)!, interruption.Token)));
        return command;
    }

    private static int Run(FileInfo modelFile, DirectoryInfo outputDirectory, CancellationToken cancellationToken)
    {
        var mlContext = new MLContext();
        var transformer = ModelZip.Load(mlContext, modelFile.FullName, out _);
        var remBert = ModelChain.Flatten(transformer).OfType<RemBertScoringTransformer>().ToList();
        if (remBert.Count != 1)
            throw new InvalidDataException($"{modelFile.FullName}: the model holds {remBert.Count} RemBERT transformers " +
                $"({string.Join(", ", ModelChain.Flatten(transformer).Select(t => t.GetType().Name))}); export takes a zip with exactly one.");
        try
        {
            remBert[0].SaveAsPretrained(outputDirectory.FullName, cancellationToken);
        }
        catch (NotSupportedException e)
        {
            throw new InvalidDataException($"{modelFile.FullName}: {e.Message}", e);
        }
        Console.Error.WriteLine($"Exported {remBert[0].GetType().Name} of {modelFile.FullName} to {outputDirectory.FullName}");
        return ExitCodes.Success;
    }
}
