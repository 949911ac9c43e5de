using System.CommandLine;
using System.Globalization;
using Microsoft.ML.RemBert.Modeling;
using Microsoft.ML.RemBert.Pretraining;
using Microsoft.ML.RemBert.Runtime;
using Microsoft.ML.RemBert.Tokenization;
using Microsoft.ML.RemBert.Trainers;
using static TorchSharp.torch;

namespace Microsoft.ML.RemBert.Cli.Commands;

/// <summary>
/// <c>rembert pretrain --tokenizer sentencepiece.model --corpus FILE --output DIR [--objective mlm|clm|electra|translation-ranking]
/// [--init-from DIR | --config config.json | size options] [--epochs --batch-size --learning-rate --max-length --seed --max-steps --time-limit]
/// [--checkpoint-dir DIR --checkpoint-steps N --checkpoints-to-keep N] [--resume DIR]</c>: pretrains a RemBERT language
/// model from scratch or from a model's weights (<see cref="RemBertPretrainer"/>), or continues a run from its checkpoint, and writes a transformers
/// checkpoint directory, all at once at the end (SIGINT/SIGTERM leave no output, and only complete checkpoints).
/// </summary>
public static class PretrainCommand
{
    /// <summary>Builds the command; SIGINT/SIGTERM cancel it through <paramref name="interruption"/>.</summary>
    public static System.CommandLine.Command Create(Interruption interruption)
    {
        var tokenizer = new Option<string>("--tokenizer") { Description = "SentencePiece .model file (RemBERT's special pieces), or a checkpoint directory holding one.", Required = true };
        var corpus = new Option<string>("--corpus") { Description = "UTF-8 text, one passage per line.", Required = true };
        var output = new Option<string>("--output") { Description = "Checkpoint directory to write (replaced as a whole if it exists).", Required = true };
        var objective = new Option<string>("--objective")
        {
            Description = "mlm (masked LM, RemBertForMaskedLM), clm (causal LM, RemBertForCausalLM), electra (replaced-token detection with a small " +
                          "generator; saves a RemBertForMaskedLM) or translation-ranking (the corpus: one group of tab-separated translations per line; " +
                          "each text's [CLS] state learns to find its translation's, with masked LM alongside; usually with --init-from).",
            DefaultValueFactory = _ => "mlm",
        };
        objective.AcceptOnlyFromAmong("mlm", "clm", "electra", "translation-ranking");
        var initFrom = new Option<string?>("--init-from")
        {
            HelpName = "DIR",
            Description = "Start from this checkpoint directory's weights (continued pretraining); its config.json gives the shape, so --config and the size options are not used.",
        };
        var generatorSize = new Option<double>("--generator-size") { DefaultValueFactory = _ => 0.25, Description = "electra: the generator's hidden size as a share of the model's." };
        var discriminatorWeight = new Option<double>("--discriminator-weight") { DefaultValueFactory = _ => 50, Description = "electra: weight of the replaced-token loss against the generator's." };
        var config = new Option<string?>("--config") { Description = "config.json giving the model's shape (vocabulary size and special ids come from the tokenizer); overrides the size options." };
        var size = new PretrainSizeOptions();
        var epochs = new Option<int>("--epochs") { DefaultValueFactory = _ => 1, Description = "Passes over the corpus." };
        var batchSize = new Option<int>("--batch-size") { DefaultValueFactory = _ => 32, Description = "Blocks per optimizer step." };
        var learningRate = new Option<double>("--learning-rate") { DefaultValueFactory = _ => 5e-4, Description = "Peak AdamW learning rate (linear warm-up and decay)." };
        var maxLength = new Option<int>("--max-length") { DefaultValueFactory = _ => 128, Description = "Tokens per training block, [CLS] and [SEP] included." };
        var seed = new Option<int>("--seed") { DefaultValueFactory = _ => 42, Description = "Seeds weights, block order and masking." };
        var maxSteps = new Option<int?>("--max-steps") { Description = "Stop after N optimizer steps (the schedule ends there)." };
        var timeLimit = new Option<double?>("--time-limit")
        {
            Description = "Stop after this many minutes of training in this sitting (the schedule is still --max-steps'); with --checkpoint-dir the stop writes a checkpoint to --resume from.",
        };
        var saveDtype = new Option<string>("--save-dtype") { DefaultValueFactory = _ => "float32", Description = "Dtype of the saved weights: float32 or bfloat16 (half the size)." };
        saveDtype.AcceptOnlyFromAmong("float32", "bfloat16");
        var device = new Option<string>("--device") { DefaultValueFactory = _ => "cpu", Description = "cpu, cuda, cuda:N or auto." };
        var logEvery = new Option<int>("--log-every") { DefaultValueFactory = _ => 10, Description = "Print progress every N steps." };
        var checkpointDir = new Option<string?>("--checkpoint-dir")
        {
            HelpName = "DIR",
            Description = "Write checkpoints of the training state here (every --checkpoint-steps steps and when --time-limit ends the run), " +
                "to continue from with --resume (see docs/checkpoints-and-resume.md).",
        };
        var checkpointSteps = new Option<int>("--checkpoint-steps") { DefaultValueFactory = _ => 500, Description = "With --checkpoint-dir: optimizer steps between checkpoints." };
        var checkpointsToKeep = new Option<int>("--checkpoints-to-keep") { DefaultValueFactory = _ => 2, Description = "With --checkpoint-dir: the newest checkpoints kept." };
        var resume = new Option<string?>("--resume")
        {
            HelpName = "DIR",
            Description = "Continue from a checkpoint: a --checkpoint-dir (its newest complete checkpoint) or one checkpoint-STEP in it. " +
                "Every setting that changes the weights must be the same; --time-limit, --device and the checkpoint options may change. " +
                "Pass --checkpoint-dir as well to go on writing checkpoints.",
        };

        var command = new System.CommandLine.Command("pretrain", "Pretrain a RemBERT language model from scratch (or from a checkpoint's weights) on a text corpus and write a transformers checkpoint directory.")
        {
            tokenizer, corpus, output, objective, initFrom, generatorSize, discriminatorWeight, config, epochs, batchSize, learningRate, maxLength, seed, maxSteps, timeLimit, saveDtype, device, logEvery,
            checkpointDir, checkpointSteps, checkpointsToKeep, resume,
        };
        size.AddTo(command);
        command.SetAction(parse => CliErrors.Run("pretrain", parse.InvocationConfiguration.Error, interruption, () =>
        {
            var options = new RemBertPretrainingOptions
            {
                Objective = parse.GetValue(objective) switch
                {
                    "clm" => PretrainingObjective.CausalLanguageModeling,
                    "electra" => PretrainingObjective.ReplacedTokenDetection,
                    "translation-ranking" => PretrainingObjective.TranslationRanking,
                    _ => PretrainingObjective.MaskedLanguageModeling,
                },
                InitialModel = parse.GetValue(initFrom),
                GeneratorSizeFraction = parse.GetValue(generatorSize),
                DiscriminatorLossWeight = parse.GetValue(discriminatorWeight),
                Epochs = parse.GetValue(epochs),
                BatchSize = parse.GetValue(batchSize),
                LearningRate = parse.GetValue(learningRate),
                MaxLength = parse.GetValue(maxLength),
                Seed = parse.GetValue(seed),
                MaxSteps = parse.GetValue(maxSteps),
                TimeLimit = parse.GetValue(timeLimit) is { } minutes ? TimeSpan.FromMinutes(minutes) : null,
                Device = TorchRuntime.ParseDevice(parse.GetValue(device)),
                CheckpointDirectory = parse.GetValue(checkpointDir),
                CheckpointSteps = parse.GetValue(checkpointSteps),
                CheckpointsToKeep = parse.GetValue(checkpointsToKeep),
                ResumeFrom = parse.GetValue(resume),
                CancellationToken = interruption.Token,
            };
            string? configPath = parse.GetValue(config);
            if (configPath is not null && options.InitialModel is not null)
                throw new InvalidDataException($"--config {configPath} and --init-from {options.InitialModel} both give the model's shape; --init-from takes its checkpoint's config.json, so drop --config.");
            var modelConfig = configPath is null ? size.Read(parse) : RemBertConfig.Load(configPath);
            var dtype = parse.GetValue(saveDtype) == "bfloat16" ? ScalarType.BFloat16 : ScalarType.Float32;
            Run(parse.GetValue(tokenizer)!, parse.GetValue(corpus)!, parse.GetValue(output)!, modelConfig, options, dtype,
                Math.Max(1, parse.GetValue(logEvery)), parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error);
        }));
        return command;
    }

    /// <summary>Pretrains and saves; progress goes to <paramref name="log"/>, the summary to <paramref name="output"/>.</summary>
    /// <exception cref="InvalidDataException">A bad corpus (file and line named), or options out of range.</exception>
    public static void Run(string tokenizerPath, string corpusPath, string outputDirectory, RemBertConfig config, RemBertPretrainingOptions options,
        ScalarType saveDtype, int logEvery, TextWriter output, TextWriter log)
    {
        var tokenizer = RemBertTokenizer.FromPretrained(tokenizerPath);
        // Fail before hours of training, not after: the output's parent must exist and the output must not be a file.
        string target = Path.GetFullPath(outputDirectory);
        if (File.Exists(target)) throw new IOException($"{target} is a file; --output takes a checkpoint directory.");
        if (!Directory.Exists(Path.GetDirectoryName(target.TrimEnd(Path.DirectorySeparatorChar))))
            throw new DirectoryNotFoundException($"--output {target}: its parent directory does not exist.");

        bool first = true; // a resumed sitting shows its first step too
        var progress = new SynchronousProgress(report =>
        {
            if (report.Step % logEvery == 0 || report.Step == report.TotalSteps || first) log.WriteLine(report.ToString());
            first = false;
        });
        RemBertPretrainingResult result;
        try
        {
            result = RemBertPretrainer.Pretrain(tokenizer, corpusPath, config, options with { Progress = progress, Log = log.WriteLine });
        }
        catch (ArgumentException e) when (e is not ArgumentNullException)
        {
            throw new InvalidDataException(e.Message, e);
        }
        using (result)
        {
            RemBertPretrainer.SaveCheckpoint(result.Model, tokenizer, target, saveDtype, options.CancellationToken);
            // Steps count from the start of the run; a resumed sitting says how many were its own (losses are per step).
            string sitting = options.ResumeFrom is null ? "" : string.Create(CultureInfo.InvariantCulture, $" ({result.Losses.Count} in this sitting)");
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Pretrained {result.Model.GetType().Name} ({result.Model.CountParameters():N0} parameters): {result.Steps} steps{sitting}, " +
                $"{result.Tokens:N0} tokens, {result.Elapsed:hh\\:mm\\:ss}, stopped: {result.Stop}; final loss (mean of the last 50 steps) {result.FinalLoss:F4}. Saved to {target}."));
        }
    }

    /// <summary>Reports on the training thread, in order (<see cref="Progress{T}"/> would post to the thread pool).</summary>
    private sealed class SynchronousProgress(Action<RemBertTrainingProgress> report) : IProgress<RemBertTrainingProgress>
    {
        public void Report(RemBertTrainingProgress value) => report(value);
    }
}
