using Microsoft.ML.RemBert.Modeling;
using Microsoft.ML.RemBert.Runtime;
using TorchSharp;

namespace Microsoft.ML.RemBert.Checkpoints;

/// <summary>
/// transformers' <c>from_pretrained</c> / <c>save_pretrained</c> for RemBERT: a checkpoint directory
/// (config.json + weights in any supported layout) to a ready model, and back.
/// </summary>
public static class RemBertCheckpoint
{
    /// <summary>
    /// Loads the architecture named by config.json's <c>architectures</c> (the bare <see cref="RemBertModel"/> when
    /// none is named) from <paramref name="directory"/>, in eval mode, on <paramref name="device"/> (CPU by default).
    /// </summary>
    /// <param name="directory">A Hugging Face checkpoint directory.</param>
    /// <param name="device">Where the model runs; weights are streamed from the file and converted on the way.</param>
    /// <param name="options">Key matching and the warning callback; see <see cref="CheckpointLoadOptions"/>.</param>
    public static RemBertPreTrainedModel FromPretrained(string directory, torch.Device? device = null, CheckpointLoadOptions? options = null) =>
        LoadWithReport<RemBertPreTrainedModel>(directory, device, options).Model;

    /// <summary>
    /// Loads <typeparamref name="TModel"/> (e.g. <see cref="RemBertForSequenceClassification"/>) whatever config.json
    /// names, so a head can start from a base-only checkpoint such as google/rembert; head weights the checkpoint lacks
    /// get transformers' initialisation and are listed in one warning.
    /// </summary>
    public static TModel FromPretrained<TModel>(string directory, torch.Device? device = null, CheckpointLoadOptions? options = null)
        where TModel : RemBertPreTrainedModel =>
        LoadWithReport<TModel>(directory, device, options).Model;

    /// <summary>
    /// As <see cref="FromPretrained{TModel}"/>, also returning the load report; with <see cref="RemBertPreTrainedModel"/>
    /// as <typeparamref name="TModel"/> the architecture comes from config.json.
    /// </summary>
    public static RemBertLoadResult<TModel> LoadWithReport<TModel>(string directory, torch.Device? device = null, CheckpointLoadOptions? options = null)
        where TModel : RemBertPreTrainedModel
    {
        // Our classes carry transformers' class names, so the type name is the architecture name.
        var architecture = typeof(TModel) == typeof(RemBertPreTrainedModel) ? null : typeof(TModel).Name;
        var result = Load(directory, architecture, device, options);
        return new RemBertLoadResult<TModel>((TModel)result.Model, result.Report);
    }

    /// <summary>
    /// As <see cref="LoadWithReport{TModel}(string, torch.Device?, CheckpointLoadOptions?)"/> with config.json changed by
    /// <paramref name="configure"/> before the model is built (e.g. a trainer's label count and problem type), and the
    /// weights the checkpoint lacks drawn from <paramref name="generator"/> (a seeded run gives the same head).
    /// </summary>
    internal static RemBertLoadResult<TModel> LoadWithReport<TModel>(string directory, Func<RemBertConfig, RemBertConfig> configure,
        torch.Device? device, CheckpointLoadOptions? options, torch.Generator? generator)
        where TModel : RemBertPreTrainedModel
    {
        var result = Load(directory, typeof(TModel).Name, device, options, configure, generator);
        return new RemBertLoadResult<TModel>((TModel)result.Model, result.Report);
    }

    /// <summary>
    /// Saves <paramref name="model"/> as a directory transformers' <c>from_pretrained</c> reads: <c>model.safetensors</c>
    /// (transformers' key names, {"format": "pt"} metadata) and <c>config.json</c> naming the model's architecture.
    /// Each file is written atomically; a cancelled or failed save leaves no half-written file.
    /// </summary>
    public static void SavePretrained(this RemBertPreTrainedModel model, string directory, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        var config = model.Config with { Architectures = new[] { model.GetType().Name }, TorchDtype = SavedDtypeName(model) };
        config.Validate();
        CheckpointWriter.SaveDirectory(model, directory, config.ToJson(), cancellationToken);
    }

    /// <summary>
    /// config.json's <c>torch_dtype</c> for the weights about to be written, as transformers' save_pretrained records it:
    /// the parameters' dtype, not the one the model was loaded from (a float16 checkpoint loads into float32).
    /// </summary>
    private static string? SavedDtypeName(RemBertPreTrainedModel model) => model.parameters().First().dtype switch
    {
        torch.ScalarType.Float32 => "float32",
        torch.ScalarType.Float16 => "float16",
        torch.ScalarType.BFloat16 => "bfloat16",
        torch.ScalarType.Float64 => "float64",
        _ => model.Config.TorchDtype,
    };

    /// <summary>
    /// Builds <paramref name="architecture"/> (config.json's when null) without the random initialisation, loads the
    /// checkpoint, then initialises only the weights it lacked, as transformers does: drawing random values for a
    /// 2 GB model only to overwrite them costs seconds.
    /// </summary>
    private static RemBertLoadResult<RemBertPreTrainedModel> Load(string directory, string? architecture,
        torch.Device? device, CheckpointLoadOptions? options,
        Func<RemBertConfig, RemBertConfig>? configure = null, torch.Generator? generator = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        var config = RemBertConfig.Load(directory);
        if (configure is not null) config = configure(config);
        var precision = options?.Precision ?? RemBertPrecision.Float32;
        // Built directly in the asked precision, so a bfloat16 load never holds the float32 weights (half the memory).
        config = config with { Precision = precision };
        using var reader = CheckpointReader.Open(directory);
        architecture ??= RemBertModelFactory.ConfiguredArchitecture(config);
        // Before anything is allocated: a config that disagrees with its weights, or that no memory can hold, is refused by name.
        string configPath = Path.GetFullPath(Path.Combine(directory, RemBertConfig.ConfigFileName));
        CheckpointConfigCheck.Check(config, configPath, reader, architecture, options?.AllowMissingBaseWeights ?? false);
        config.CheckModelFitsInMemory(configPath, architecture);
        var model = RemBertModelFactory.Create(config, architecture, initializeWeights: false);
        try
        {
            if (device is not null) model.to(device);
            BFloat16Support.WarnIfEmulated(precision, device ?? torch.CPU, options?.Log, options?.NativeBFloat16Check);
            var report = CheckpointLoader.LoadInto(model, reader, options);
            RemBertWeightInitializer.Initialize(model, config, report.MissingKeys, generator);
            model.eval();
            return new RemBertLoadResult<RemBertPreTrainedModel>(model, report);
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }
}
