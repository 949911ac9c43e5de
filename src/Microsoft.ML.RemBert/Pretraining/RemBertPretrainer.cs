using Microsoft.ML.RemBert.Checkpoints;
using Microsoft.ML.RemBert.Modeling;
using Microsoft.ML.RemBert.Tokenization;
using Microsoft.ML.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.RemBert.Pretraining;

/// <summary>
/// Pretrains a RemBERT language model from scratch on a plain-text corpus (the engine of <c>rembert pretrain</c>), and
/// saves it with its tokenizer as a transformers checkpoint directory.
/// </summary>
/// <remarks>Not thread-safe: one pretraining run per model.</remarks>
public static class RemBertPretrainer
{
    /// <summary>
    /// <paramref name="config"/> made fit for <paramref name="tokenizer"/> and <paramref name="objective"/>: the
    /// tokenizer's vocabulary size and special ids, <c>is_decoder</c> for causal LM.
    /// </summary>
    public static RemBertConfig ConfigureFor(RemBertConfig config, RemBertTokenizer tokenizer, PretrainingObjective objective)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(tokenizer);
        return config with
        {
            VocabSize = tokenizer.SentencePiece.VocabularySize,
            PadTokenId = tokenizer.PadTokenId,
            BosTokenId = tokenizer.ClsTokenId,
            EosTokenId = tokenizer.SepTokenId,
            IsDecoder = objective == PretrainingObjective.CausalLanguageModeling,
            Architectures = new[] { ArchitectureOf(objective) },
        };
    }

    /// <summary>
    /// Reads <paramref name="corpusPath"/>, builds a freshly initialised model of <paramref name="config"/> (see
    /// <see cref="ConfigureFor"/>) seeded by <see cref="RemBertPretrainingOptions.Seed"/>, or one of
    /// <see cref="RemBertPretrainingOptions.InitialModel"/>'s shape and weights, and trains it.
    /// </summary>
    /// <exception cref="InvalidDataException">The corpus is not UTF-8 text or is empty (the message names the file and line), or the checkpoint to resume from is missing or damaged.</exception>
    /// <exception cref="ArgumentException">An option is out of range, MaxLength exceeds the config's max_position_embeddings, or the checkpoint to resume from was written with other settings (each named).</exception>
    /// <exception cref="OperationCanceledException">Cancelled; nothing was written but complete checkpoints.</exception>
    /// <exception cref="DirectoryNotFoundException"><see cref="RemBertPretrainingOptions.ResumeFrom"/> or <see cref="RemBertPretrainingOptions.InitialModel"/> does not exist.</exception>
    /// <exception cref="FileNotFoundException"><see cref="RemBertPretrainingOptions.InitialModel"/> has no config.json or no weights file.</exception>
    /// <remarks>
    /// With <see cref="RemBertPretrainingOptions.ResumeFrom"/> training continues from that checkpoint (the model is
    /// still built from <paramref name="config"/> first, then filled from it); the result's
    /// <see cref="RemBertPretrainingResult.Steps"/> counts every step since the start, its losses, tokens and time this sitting's.
    /// </remarks>
    public static RemBertPretrainingResult Pretrain(RemBertTokenizer tokenizer, string corpusPath, RemBertConfig config, RemBertPretrainingOptions options)
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
        ArgumentException.ThrowIfNullOrEmpty(corpusPath);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (options.InitialModel is { } initialModel)
            config = InitialConfig(initialModel, tokenizer);
        config = ConfigureFor(config, tokenizer, options.Objective);
        config.Validate();
        if (options.MaxLength > config.MaxPositionEmbeddings)
            throw new ArgumentOutOfRangeException(nameof(options), options.MaxLength,
                $"MaxLength {options.MaxLength} exceeds the model's max_position_embeddings {config.MaxPositionEmbeddings}.");

        var context = new MLContext(options.Seed);
        if (options.Log is { } log)
            context.Log += (_, e) => { if (IsNote(e)) log(e.Kind == ChannelMessageKind.Warning ? $"warning: {e.RawMessage}" : e.RawMessage); };
        IHostEnvironment environment = context;
        using var channel = environment.Start(nameof(RemBertPretrainer));
        // Before the corpus is read (minutes for a large one): a wrong or damaged checkpoint to resume from fails at once.
        var resumeFrom = PretrainingCheckpoints.Locate(options, channel);
        bool ranking = options.Objective == PretrainingObjective.TranslationRanking;
        var corpus = ranking
            ? PretrainingCorpus.ReadAligned(corpusPath, tokenizer, options.MaxLength, options.CancellationToken)
            : PretrainingCorpus.Read(corpusPath, tokenizer, options.MaxLength, options.CancellationToken);
        var collator = CollatorFor(tokenizer, options);
        string? initialWeights = options.InitialModel is { } start ? PretrainingFingerprint.InitialWeights(start) : null;
        var checkpoints = PretrainingCheckpoints.For(options, resumeFrom, PretrainingFingerprint.Of(tokenizer, config, corpus, options, initialWeights), channel);
        var (model, electra) = CreateModel(config, options);
        channel.Info(ranking
            ? $"{corpusPath}: {corpus.Lines:N0} groups of translations, {corpus.Blocks.Count:N0} pairs, {corpus.Tokens:N0} tokens, each text truncated to {options.MaxLength} tokens."
            : $"{corpusPath}: {corpus.Lines:N0} lines, {corpus.Tokens:N0} tokens, {corpus.Blocks.Count:N0} blocks of up to {options.MaxLength} tokens.");
        try
        {
            if (options.InitialModel is { } initial)
            {
                // Strict: every weight of the model must come from the checkpoint (an ELECTRA generator is not the model's).
                CheckpointLoader.LoadInto(model, initial, new CheckpointLoadOptions { RequireAllModelKeys = true });
                channel.Info($"Starting from the weights of {initial} ({initialWeights}).");
            }
            var rankingLoss = ranking ? new TranslationRankingLoss(tokenizer.ClsTokenId) : null;
            var result = PretrainingLoop.Run(model, electra, corpus, collator, options, channel, checkpoints, rankingLoss);
            // The pair owns the discriminator; the caller gets a copy of it and the pair (generator included) is freed.
            return electra is null ? result : result.WithModel(electra.CopyDiscriminator());
        }
        catch
        {
            if (electra is null) model.Dispose();
            throw;
        }
        finally
        {
            electra?.Dispose();
        }
    }

    /// <summary>
    /// Writes <paramref name="model"/> and <paramref name="tokenizer"/> to <paramref name="directory"/> as a checkpoint
    /// transformers' <c>from_pretrained</c> and <c>RemBertTokenizer.from_pretrained</c> read: config.json,
    /// model.safetensors, sentencepiece.model and tokenizer_config.json. The whole directory appears at once: the files
    /// are written to a staging directory beside it that then takes its place, so a failure or cancellation leaves the
    /// directory as it was (absent, or the previous checkpoint).
    /// </summary>
    /// <param name="model">The trained language model.</param>
    /// <param name="tokenizer">Its tokenizer; the .model bytes are copied as they are.</param>
    /// <param name="directory">The checkpoint directory; its parent must exist.</param>
    /// <param name="cancellationToken">Stops the save; the directory is then unchanged.</param>
    /// <param name="dtype">Stores the weights in this floating-point type (e.g. bfloat16 to halve the size); null keeps the model's.</param>
    public static void SaveCheckpoint(RemBertLanguageModel model, RemBertTokenizer tokenizer, string directory, ScalarType? dtype = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(tokenizer);
        CheckpointDirectory.Replace(directory, staging =>
        {
            if (dtype is { } type && type != model.parameters().First().dtype)
            {
                using var copy = (RemBertLanguageModel)RemBertModelFactory.Create(model.Config, model.GetType().Name, initializeWeights: false);
                copy.load_state_dict(model.state_dict());
                copy.to(type);
                copy.SavePretrained(staging, cancellationToken);
            }
            else
            {
                model.SavePretrained(staging, cancellationToken);
            }
            tokenizer.SaveVocabulary(staging);
            // The tokenizer truncates where the model's positions end, as save_pretrained records model_max_length.
            TokenizerConfigFile.Write(Path.Combine(staging, TokenizerConfigReader.FileName),
                tokenizer.Options with { ModelMaxLength = model.Config.MaxPositionEmbeddings });
        }, cancellationToken);
    }

    /// <summary>The shape of the model in <paramref name="directory"/>, which must share the tokenizer's vocabulary.</summary>
    private static RemBertConfig InitialConfig(string directory, RemBertTokenizer tokenizer)
    {
        string path = Path.Combine(directory, CheckpointFileNames.Config);
        if (!File.Exists(path))
            throw new FileNotFoundException($"InitialModel {directory}: no config.json; it must be a checkpoint directory (rembert pretrain --output, save_pretrained).", path);
        var config = RemBertConfig.Load(path);
        if (config.VocabSize != tokenizer.SentencePiece.VocabularySize)
            throw new ArgumentException($"InitialModel {directory}: its vocab_size is {config.VocabSize} but the tokenizer has {tokenizer.SentencePiece.VocabularySize} pieces; " +
                "continue with the tokenizer the model was trained with.", nameof(RemBertPretrainingOptions.InitialModel));
        return config;
    }

    // The run's notes and warnings for RemBertPretrainingOptions.Log; not the step reports (they reach Progress), which the
    // channel logs as RemBertTrainingProgress.ToString() writes them: "epoch E/N ...".
    private static bool IsNote(LoggingEventArgs e) =>
        e.Source == nameof(RemBertPretrainer) && e.Kind is ChannelMessageKind.Info or ChannelMessageKind.Warning
        && !e.RawMessage.StartsWith("epoch ", StringComparison.Ordinal);

    internal static string ArchitectureOf(PretrainingObjective objective) => objective == PretrainingObjective.CausalLanguageModeling
        ? nameof(RemBertForCausalLM)
        : nameof(RemBertForMaskedLM);

    internal static LanguageModelingCollator CollatorFor(RemBertTokenizer tokenizer, RemBertPretrainingOptions options)
    {
        // transformers' all_special_ids: the unknown token is never chosen for prediction either.
        var specials = new HashSet<int> { tokenizer.ClsTokenId, tokenizer.SepTokenId, tokenizer.PadTokenId, tokenizer.MaskTokenId, tokenizer.UnkTokenId };
        return new LanguageModelingCollator(options.Objective, tokenizer.PadTokenId, tokenizer.MaskTokenId,
            tokenizer.SentencePiece.VocabularySize, specials, options.MaskProbability);
    }

    /// <summary>The model to pretrain and, for ELECTRA, the generator–discriminator pair around it (the model is its discriminator).</summary>
    private static (RemBertLanguageModel Model, ElectraPretrainingModel? Electra) CreateModel(RemBertConfig config, RemBertPretrainingOptions options)
    {
        using var generator = new Generator((ulong)options.Seed);
        if (options.Objective == PretrainingObjective.ReplacedTokenDetection)
        {
            var electra = new ElectraPretrainingModel(config, ElectraPretrainingModel.GeneratorConfig(config, options.GeneratorSizeFraction), options.DiscriminatorLossWeight);
            electra.InitializeWeights(generator);
            if (options.Device is { } electraDevice) electra.to(electraDevice);
            return (electra.Discriminator, electra);
        }
        var model = (RemBertLanguageModel)RemBertModelFactory.Create(config, ArchitectureOf(options.Objective), initializeWeights: false);
        model.InitializeWeights(generator);
        if (options.Device is { } device) model.to(device);
        return (model, null);
    }
}
