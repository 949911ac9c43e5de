using Microsoft.ML.RemBert.Checkpoints;
using Microsoft.ML.RemBert.Modeling;
using Microsoft.ML.RemBert.Runtime;
using Microsoft.ML.RemBert.Tokenization;
using Microsoft.ML.RemBert.Trainers;
using Microsoft.ML.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.RemBert.MLNet.Training;

/// <summary>
/// One call to a trainer's <c>Fit</c>, the part every task shares: validates the options, resolves the seed and the
/// device, opens the log channel, loads the tokenizer (first, so data errors come before the slow model load), then
/// the starting model, and runs <see cref="TrainingLoop"/>.
/// </summary>
internal sealed class TrainingRun : IDisposable
{
    /// <summary>How errors and logs name the data given to <c>Fit</c>.</summary>
    public const string TrainingDataName = "training data";

    /// <summary>How errors and logs name the options' ValidationSet.</summary>
    public const string ValidationDataName = "validation set";

    private TrainingRun(IChannel channel, TrainingSettings settings, RemBertTokenizer tokenizer, string tokenizerSource, string? modelDirectory)
    {
        Channel = channel;
        Settings = settings;
        Tokenizer = tokenizer;
        TokenizerSource = tokenizerSource;
        ModelDirectory = modelDirectory;
    }

    /// <summary>The host's channel: MLContext.Log.</summary>
    public IChannel Channel { get; }

    /// <summary>The options with the seed and device resolved.</summary>
    public TrainingSettings Settings { get; }

    /// <summary>The tokenizer of <see cref="RemBertTrainerOptions.Tokenizer"/>, or the checkpoint's.</summary>
    public RemBertTokenizer Tokenizer { get; }

    private string TokenizerSource { get; }

    // The resolved checkpoint directory of the Model option; null when training starts from Config.
    private string? ModelDirectory { get; }

    /// <summary>Validates <paramref name="options"/> and loads the tokenizer; errors name the option at fault.</summary>
    public static TrainingRun Start(IHost host, RemBertTrainerOptions options)
    {
        options.Validate();
        var device = TorchRuntime.ParseDevice(options.Device);
        int seed = options.Seed ?? host.Rand.Next();
        var channel = host.Start("Training");
        try
        {
            string? modelDirectory = options.Config is null ? ModelLocation.Resolve(options, channel) : null;
            string tokenizerSource = options.Tokenizer ?? modelDirectory!;
            var tokenizer = RemBertTokenizer.FromPretrained(tokenizerSource);
            // One warning for the run, whether bfloat16 is asked for training, for inference, or both.
            var precision = options.TrainingPrecision == RemBertPrecision.BFloat16 ? options.TrainingPrecision : options.InferencePrecision;
            BFloat16Support.WarnIfEmulated(precision, device, message => channel.Warning(message), options.NativeBFloat16Check);
            return new TrainingRun(channel, new TrainingSettings(options, seed, device), tokenizer, tokenizerSource, modelDirectory);
        }
        catch
        {
            channel.Dispose();
            throw;
        }
    }

    /// <summary>
    /// The starting model: random weights of <see cref="RemBertTrainerOptions.Config"/>, or the checkpoint of
    /// <see cref="RemBertTrainerOptions.Model"/> with the weights it lacks (the head) initialised; either way changed by
    /// <paramref name="configure"/> (labels, problem type) and drawn from the seed. Checks the tokenizer against the
    /// model (vocabulary size, maximum length) and seeds libtorch's global generator, which dropout draws from.
    /// </summary>
    public TModel LoadModel<TModel>(Func<RemBertConfig, RemBertConfig> configure) where TModel : RemBertPreTrainedModel
    {
        var options = Settings.Options;
        var generator = new Generator((ulong)Settings.Seed);
        TModel model;
        string modelSource;
        if (options.Config is { } config)
        {
            modelSource = "the Config option";
            model = (TModel)RemBertModelFactory.Create(configure(config), typeof(TModel).Name, initializeWeights: false);
            model.InitializeWeights(generator);
        }
        else
        {
            modelSource = ModelDirectory!;
            // Fine-tuning trains the pooler, so a masked-LM checkpoint (no pooler) may start a classifier, as in transformers.
            var loadOptions = new CheckpointLoadOptions { Log = message => Channel.Warning(message), AllowMissingPooler = true };
            model = RemBertCheckpoint.LoadWithReport<TModel>(modelSource, configure, null, loadOptions, generator).Model;
        }
        try
        {
            CheckCompatible(model.Config, modelSource);
            model.to(Settings.Device);
            // Dropout has no generator argument in libtorch: seeding the global one is the only way to make a seeded
            // run repeatable (as transformers' set_seed does). Runs training concurrently in one process lose that.
            torch.manual_seed(Settings.Seed);
            return model;
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Runs the training loop (see <see cref="TrainingLoop.Run"/>), then converts the trained weights to the
    /// <see cref="RemBertTrainerOptions.InferencePrecision"/> the returned transformer scores and saves in.
    /// </summary>
    public double? Train<TExample>(ITrainingTask<TExample> task, RemBertPreTrainedModel model, IReadOnlyList<TExample> training,
        IReadOnlyList<TExample>? validation) where TExample : ITrainingExample
    {
        // Frozen parameters and LoRA adapters for the loop's duration; the adapters are merged before the conversion below.
        using var partial = PartialTraining.Apply(model, Settings.Options, Settings.Seed, PartialTraining.IsRequested(Settings.Options) ? Channel : null);
        var metric = TrainingLoop.Run(task, model, training, validation, Settings, Channel);
        partial.Complete();
        var inference = Settings.Options.InferencePrecision;
        if (inference != RemBertPrecision.Float32)
        {
            model.to(inference.ToScalarType());
            Channel.Info($"Trained weights converted to {inference} for inference.");
        }
        return metric;
    }

    private void CheckCompatible(RemBertConfig config, string modelSource)
    {
        int pieces = Tokenizer.SentencePiece.VocabularySize;
        if (pieces != config.VocabSize)
            throw new ArgumentException(
                $"The tokenizer '{TokenizerSource}' has {pieces} pieces but the model ({modelSource}) has vocab_size {config.VocabSize}: " +
                "they must be the same vocabulary.", nameof(RemBertTrainerOptions.Tokenizer));
        if (Settings.Options.MaxSequenceLength > config.MaxPositionEmbeddings)
            throw new ArgumentOutOfRangeException(nameof(RemBertTrainerOptions.MaxSequenceLength), Settings.Options.MaxSequenceLength,
                $"MaxSequenceLength is {Settings.Options.MaxSequenceLength} but the model ({modelSource}) has max_position_embeddings {config.MaxPositionEmbeddings}.");
    }

    /// <summary>Closes the log channel.</summary>
    public void Dispose() => Channel.Dispose();
}
