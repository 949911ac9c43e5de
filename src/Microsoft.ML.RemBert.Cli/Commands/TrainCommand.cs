using System.CommandLine;
using System.Globalization;
using Microsoft.ML.RemBert.Cli.Reports;
using Microsoft.ML.RemBert.Cli.Tasks;
using Microsoft.ML.RemBert.Cli.Training;
using Microsoft.ML.RemBert.IO;

namespace Microsoft.ML.RemBert.Cli.Commands;

/// <summary>
/// <c>rembert train TASK --model M --train FILE [--valid FILE] --output model.zip [--checkpoint-dir DIR --checkpoint-steps N --resume]</c>: reads the task's data file, fits
/// the task's ML.NET pipeline around a RemBERT trainer, prints the metrics (on the validation file, else on the training
/// file) and saves the model zip and its report (<c>model.report.html</c>) together, atomically: an error or a signal
/// leaves neither half-written.
/// </summary>
public static class TrainCommand
{
    /// <summary>Builds the command; SIGINT/SIGTERM cancel training through <paramref name="interruption"/>.</summary>
    public static System.CommandLine.Command Create(Interruption interruption)
    {
        var task = new Argument<string>("task") { Description = "What to train: " + string.Join(", ", TaskTable.Names) + "." };
        task.AcceptOnlyFromAmong([.. TaskTable.Names]);
        var model = new Option<string>("--model") { Description = $"Starting weights: a checkpoint directory, a Hub id (google/rembert), or {ModelArgument.DefaultHelp}.", Required = true };
        var train = new Option<FileInfo>("--train") { Description = "Training data (the task's format; see docs/cli.md).", Required = true };
        var valid = new Option<FileInfo>("--valid") { Description = "Validation data, scored after every epoch; the best epoch's weights are kept." };
        var output = new Option<FileInfo>("--output") { Description = "The model zip to write (its report goes beside it as NAME.report.html).", Required = true };
        var epochs = Positive<int>("--epochs", "Passes over the training data (default 3).");
        var batchSize = Positive<int>("--batch-size", "Examples per optimizer step (default 32).");
        var learningRate = Positive<double>("--learning-rate", "Peak AdamW learning rate (default 5e-5).");
        var maxLength = Positive<int>("--max-length", "Tokens per model input, special tokens included (default 128).");
        var seed = new Option<int?>("--seed") { Description = "Seeds shuffling, dropout and new weights (default: from the ML.NET context)." };
        var device = DeviceOption.Create(defaultValue: null);
        var inferenceBatchSize = Positive<int>("--inference-batch-size", "Rows per forward pass when scoring (default 32).");
        var warmupRatio = new Option<double?>("--warmup-ratio") { Description = "Share of steps of linear learning-rate warm-up (default 0)." };
        var weightDecay = new Option<double?>("--weight-decay") { Description = "AdamW's decoupled weight decay (default 0)." };
        var precision = PrecisionOption.Create("training's compute (bfloat16: mixed precision over float32 master weights)");
        var inferencePrecision = PrecisionOption.Create("the trained model as it is scored and saved in the zip", "float32", "--inference-precision");
        var patience = new Option<int?>("--early-stopping-patience") { Description = "With --valid: stop after this many validations without improvement (default 0: never)." };
        var bestMetric = new Option<string?>("--best-model-metric") { Description = "With --valid: the validation metric that picks the kept weights and drives early stopping (e.g. MacroAccuracy, LogLoss, Auc, F1Score, RSquared, EntityF1, ExactMatch; default: the task's first)." };
        var evaluationSteps = Positive<int>("--evaluation-steps", "With --valid: validate every N optimizer steps instead of after every epoch.");
        var checkpointDir = new Option<DirectoryInfo?>("--checkpoint-dir") { Description = "Write checkpoints of the training state here, to resume from with --resume (see docs/checkpoints-and-resume.md)." };
        var checkpointSteps = Positive<int>("--checkpoint-steps", "With --checkpoint-dir: optimizer steps between checkpoints (default 500).");
        var checkpointsToKeep = Positive<int>("--checkpoints-to-keep", "With --checkpoint-dir: the newest checkpoints kept (default 2).");
        var resume = new Option<bool>("--resume") { Description = "Continue from the newest complete checkpoint in --checkpoint-dir (same options and data); from the start when there is none." };

        var command = new System.CommandLine.Command("train", "Fine-tune RemBERT on a data file and save an ML.NET model zip with a training report.")
        {
            task, model, train, valid, output, epochs, batchSize, learningRate, maxLength, seed, device, inferenceBatchSize, warmupRatio, weightDecay, patience,
            precision, inferencePrecision, bestMetric, evaluationSteps, checkpointDir, checkpointSteps, checkpointsToKeep, resume,
        };
        command.Validators.Add(result =>
        {
            if (result.GetValue(resume) && result.GetValue(checkpointDir) is null)
                result.AddError("--resume needs --checkpoint-dir: the directory to resume from.");
        });
        command.SetAction(parse => CliErrors.Run("train", parse.InvocationConfiguration.Error, interruption, () => Run(
            TaskTable.Named(parse.GetValue(task)!), parse.GetValue(train)!.FullName, parse.GetValue(valid)?.FullName, parse.GetValue(output)!.FullName,
            new TrainingArguments
            {
                Model = parse.GetValue(model)!,
                Epochs = parse.GetValue(epochs),
                BatchSize = parse.GetValue(batchSize),
                LearningRate = parse.GetValue(learningRate),
                MaxLength = parse.GetValue(maxLength),
                Seed = parse.GetValue(seed),
                Device = parse.GetValue(device),
                InferenceBatchSize = parse.GetValue(inferenceBatchSize),
                WarmupRatio = parse.GetValue(warmupRatio),
                WeightDecay = parse.GetValue(weightDecay),
                EarlyStoppingPatience = parse.GetValue(patience),
                BestModelMetric = parse.GetValue(bestMetric),
                EvaluationSteps = parse.GetValue(evaluationSteps),
                CheckpointDirectory = parse.GetValue(checkpointDir)?.FullName,
                CheckpointSteps = parse.GetValue(checkpointSteps),
                CheckpointsToKeep = parse.GetValue(checkpointsToKeep),
                Resume = parse.GetValue(resume),
                TrainingPrecision = PrecisionOption.Value(parse, precision),
                InferencePrecision = PrecisionOption.Value(parse, inferencePrecision),
                CancellationToken = interruption.Token,
            })));
        return command;
    }

    private static int Run(CliTask task, string trainPath, string? validPath, string outputPath, TrainingArguments arguments)
    {
        string reportPath = TrainingReport.PathFor(outputPath);
        // Refuse an unwritable output before the long work, and read both files before training so a bad line fails fast.
        AtomicFile.EnsureWritable(outputPath);
        AtomicFile.EnsureWritable(reportPath);
        var mlContext = new MLContext(arguments.Seed);
        IDataView train = task.Read(mlContext, trainPath);
        IDataView? valid = validPath is null ? null : task.Read(mlContext, validPath);
        // Resolved before training, so a bad --model (../x, a/b/c, a NUL) is blamed on --model, not on the training file.
        arguments = arguments with { Model = ModelArgument.ResolveCheckpoint(arguments.Model) };

        var display = ProgressDisplay.ForConsole(Console.Out);
        ITransformer model;
        try
        {
            model = display.Run(progress => task.Train(mlContext, train, valid, arguments with { Progress = progress }));
        }
        catch (ArgumentException e) when (e is not ArgumentNullException)
        {
            // The trainers check their options (ranges) and the data's values (a row that cannot be encoded) here.
            throw new InvalidDataException($"{trainPath}: cannot train {task.Name}: {e.Message}", e);
        }
        arguments.CancellationToken.ThrowIfCancellationRequested();

        string metricsSource = validPath is null ? $"training data {Path.GetFileName(trainPath)}" : $"validation data {Path.GetFileName(validPath)}";
        var metrics = task.Evaluate(mlContext, model, valid ?? train);
        Console.Out.WriteLine($"Metrics on the {metricsSource}:");
        Console.Out.Write(MetricsWriter.Text(metrics));

        byte[] report = TrainingReport.Render(task.Name, Settings(task, trainPath, validPath, arguments), display.History, metrics, metricsSource);
        AtomicFile.WriteAll(
        [
            (outputPath, (stream, _) => mlContext.Model.Save(model, train.Schema, stream)),
            (reportPath, (stream, _) => stream.Write(report)),
        ], arguments.CancellationToken);
        Console.Out.WriteLine($"Saved {outputPath} and {reportPath}");
        return ExitCodes.Success;
    }

    private static IReadOnlyList<(string, string)> Settings(CliTask task, string trainPath, string? validPath, TrainingArguments arguments) =>
    [
        ("task", task.Name),
        ("model", arguments.Model),
        ("train", trainPath),
        ("valid", validPath ?? "(none)"),
        ("epochs", Text(arguments.Epochs)),
        ("batch size", Text(arguments.BatchSize)),
        ("learning rate", Text(arguments.LearningRate)),
        ("max length", Text(arguments.MaxLength)),
        ("seed", Text(arguments.Seed)),
        ("device", arguments.Device ?? "default"),
        ("precision", $"{arguments.TrainingPrecision} training, {arguments.InferencePrecision} model"),
        ("best model metric", arguments.BestModelMetric ?? "default"),
        ("checkpoints", arguments.CheckpointDirectory is { } checkpoints ? $"{checkpoints}{(arguments.Resume ? " (resumed)" : "")}" : "(none)"),
    ];

    private static string Text<T>(T? value) where T : struct, IFormattable =>
        value is { } v ? v.ToString(null, CultureInfo.InvariantCulture) : "default";

    private static Option<T?> Positive<T>(string name, string description) where T : struct, System.Numerics.INumber<T>
    {
        var option = new Option<T?>(name) { Description = description };
        option.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<T?>() is { } value && !(value > T.Zero))
                result.AddError($"{name} is {value}; it must be positive.");
        });
        return option;
    }
}
