using System.CommandLine;
using Microsoft.ML.RemBert.Cli.DataFiles;
using Microsoft.ML.RemBert.Cli.Tasks;
using Microsoft.ML.RemBert.IO;
using Microsoft.ML.RemBert.MLNet.Scoring;
using Microsoft.ML.RemBert.Modeling;
using Microsoft.ML.RemBert.Runtime;
using Microsoft.ML.RemBert.Trainers;

namespace Microsoft.ML.RemBert.Cli.Commands;

/// <summary>
/// <c>rembert predict</c>: applies any saved ML.NET model zip to a data file, the production path for models
/// built with this library. The input columns are taken from the model's saved input schema and matched by name
/// to the file's header (.tsv/.csv) or properties (.jsonl); a RemBERT task model also reads its task's own format
/// (CoNLL, SQuAD JSON, multiple-choice JSON lines; labels optional). Without <c>--input</c> the rows are JSON lines on
/// standard input; without <c>--output</c> the predictions, one JSON object per input row, go to standard output.
/// </summary>
public static class PredictCommand
{
    /// <summary>Builds the command; SIGINT/SIGTERM cancel it through <paramref name="interruption"/>.</summary>
    // Fully qualified: inside Microsoft.ML.* the namespace Microsoft.ML.Command shadows the type name.
    public static System.CommandLine.Command Create(Interruption interruption)
    {
        var model = new Option<FileInfo>("--model")
        {
            Description = "ML.NET model zip (mlContext.Model.Save), or a fine-tuned transformers checkpoint directory (RemBertFor... with its head), applied as its task's model.",
            Required = true,
        };
        var input = new Option<FileInfo>("--input")
        {
            Description = "Input rows: .tsv or .csv with a header line, .jsonl, or the model's task format (.conll, SQuAD .json, choices .jsonl). Default: JSON lines on stdin.",
        };
        var output = new Option<FileInfo>("--output") { Description = "Where to write the predictions, one JSON object per line (default: stdout)." };
        var columns = new Option<string[]>("--columns")
        {
            Description = "Output columns to write (default: every column the model adds).",
            AllowMultipleArgumentsPerToken = true,
        };
        columns.Validators.Add(result =>
        {
            var duplicate = result.GetValueOrDefault<string[]>()?.GroupBy(name => name, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
            if (duplicate is not null) result.AddError($"--columns names '{duplicate.Key}' more than once.");
        });

        var precision = PrecisionOption.Create("the RemBERT models in the zip (default: the precision they were saved in)", defaultValue: null);
        var device = DeviceOption.Create(defaultValue: null, "Device the zip's RemBERT models score on: cpu (the default), cuda, cuda:N or auto.");
        var command = new System.CommandLine.Command("predict", "Apply a saved ML.NET model to a data file and write its output columns as JSON lines.");
        command.Options.Add(model);
        command.Options.Add(input);
        command.Options.Add(output);
        command.Options.Add(columns);
        command.Options.Add(precision);
        command.Options.Add(device);
        // Bad files and schema mismatches are the user's to fix: one line naming the cause, not a stack trace.
        command.SetAction(parseResult => CliErrors.Run("predict", parseResult.InvocationConfiguration.Error, interruption, () =>
        {
            using var standardInput = parseResult.GetValue(input) is null ? StandardInputCopy.Create(interruption.Token) : null;
            return Run(parseResult.GetValue(model)!, parseResult.GetValue(input) ?? new FileInfo(standardInput!.Path), parseResult.GetValue(output),
                parseResult.GetValue(columns), new RemBertScoringSettings { Device = parseResult.GetValue(device), Precision = PrecisionOption.ValueOrNull(parseResult, precision) },
                interruption.Token);
        }));
        return command;
    }

    private static int Run(FileInfo modelFile, FileInfo inputFile, FileInfo? outputFile, string[]? requestedColumns, RemBertScoringSettings scoring,
        CancellationToken cancellationToken)
    {
        if (outputFile is not null) AtomicFile.EnsureWritable(outputFile.FullName);
        var mlContext = new MLContext();
        ITransformer transformer;
        IDataView data;
        if (Directory.Exists(modelFile.FullName))
        {
            // A checkpoint directory is applied at the precision asked when it is loaded; only the device is left.
            transformer = CheckpointModel.Load(mlContext, modelFile.FullName, inputFile.FullName, scoring.Precision, out data);
            if (scoring.Device is not null)
                ConfigureRemBertModels(transformer, new RemBertScoringSettings { Device = scoring.Device }, modelFile.FullName);
        }
        else
        {
            transformer = ModelZip.Load(mlContext, modelFile.FullName, out DataViewSchema inputSchema);
            if (scoring.Device is not null || scoring.Precision is not null)
                ConfigureRemBertModels(transformer, scoring, modelFile.FullName);
            data = TaskTable.TryOf(transformer)?.ReadForPrediction(inputFile.FullName)
                ?? ModelInputFile.Load(mlContext, inputFile.FullName, inputSchema);
        }
        IDataView predictions;
        try
        {
            predictions = transformer.Transform(data);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            // ML.NET checks the input schema here (a column the model needs is missing or of another type): the user's file.
            throw new InvalidDataException($"{inputFile.FullName} does not fit the model {modelFile.FullName}: {e.Message}", e);
        }
        IReadOnlyList<string> outputColumns = requestedColumns is { Length: > 0 } ? requestedColumns : AddedColumns(data.Schema, predictions.Schema);
        var unknown = outputColumns.FirstOrDefault(name => predictions.Schema.GetColumnOrNull(name) is not { IsHidden: false });
        if (unknown is not null)
            throw new InvalidDataException($"--columns names '{unknown}', which the model's output does not have (it has: " +
                $"{string.Join(", ", predictions.Schema.Where(c => !c.IsHidden).Select(c => c.Name))}).");

        long rows = 0;
        if (outputFile is null)
        {
            WriteToStandardOutput(stream => rows = JsonLinesWriter.Write(predictions, outputColumns, stream, inputFile.FullName, cancellationToken));
            return ExitCodes.Success;
        }
        // Atomic: a crash never leaves a half-written predictions file behind under the requested name.
        AtomicFile.Write(outputFile.FullName, (stream, token) => rows = JsonLinesWriter.Write(predictions, outputColumns, HeldOutput.Wrap(stream, token), inputFile.FullName, token),
            cancellationToken);
        Console.Error.WriteLine($"Wrote {rows} rows ({string.Join(", ", outputColumns)}) to {outputFile.FullName}");
        return ExitCodes.Success;
    }

    private static void WriteToStandardOutput(Action<Stream> write)
    {
        using var stdout = Console.OpenStandardOutput();
        try
        {
            write(stdout);
            stdout.Flush();
        }
        catch (IOException e) when (e is not FileNotFoundException and not DirectoryNotFoundException)
        {
            throw new IOException($"cannot write to standard output: {e.Message}", e);
        }
    }

    /// <summary>Moves every RemBERT transformer of <paramref name="transformer"/> to the device and precision of <paramref name="scoring"/>.</summary>
    private static void ConfigureRemBertModels(ITransformer transformer, RemBertScoringSettings scoring, string modelPath)
    {
        try
        {
            transformer.ConfigureRemBertScoring(scoring);
        }
        catch (InvalidOperationException)
        {
            string options = string.Join(" and ", new[] { scoring.Device is null ? null : "--device", scoring.Precision is null ? null : PrecisionOption.Name }.OfType<string>());
            throw new InvalidDataException($"{options}: {modelPath} holds no RemBERT model whose device or precision could be set.");
        }
        if (scoring.Precision is { } precision)
            BFloat16Support.WarnIfEmulated(precision, TorchRuntime.ParseDevice(scoring.Device ?? "cpu"), Console.Error.WriteLine);
    }

    // Row-to-row transformers append their outputs after the input columns (an input column they replace becomes
    // hidden), so the model's own columns are the visible ones past the input's column count.
    private static IReadOnlyList<string> AddedColumns(DataViewSchema input, DataViewSchema output)
        => output.Where(column => !column.IsHidden && column.Index >= input.Count).Select(column => column.Name).ToList();
}
