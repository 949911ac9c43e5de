using System.Globalization;
using Microsoft.ML.RemBert.Modeling;
using Microsoft.ML.RemBert.Modeling.Lora;
using Microsoft.ML.RemBert.Trainers;
using Microsoft.ML.Runtime;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Microsoft.ML.RemBert.MLNet.Training;

/// <summary>
/// Trains only part of a model, for the duration of one training run: freezes what
/// <see cref="RemBertTrainerOptions.FreezeEmbeddings"/>, <see cref="RemBertTrainerOptions.TrainableLayers"/> and
/// <see cref="RemBertTrainerOptions.Lora"/> ask (requires_grad false: no gradient, and since the optimizer takes only
/// trainable parameters, no AdamW state) and attaches the LoRA adapters. <see cref="Complete"/> merges the adapters
/// into the weights and removes them; disposing without completing (a failed run) removes them unmerged. Either way
/// the parameters' requires_grad flags are restored, so the model leaves as a fully fine-tuned one does.
/// The pooler and the head (everything outside the base model's embeddings and encoder) always train, as PEFT's
/// <c>modules_to_save</c> keeps the classifier of a sequence-classification model trainable.
/// </summary>
internal sealed class PartialTraining : IDisposable
{
    private readonly List<Linear> _adapted;
    private readonly List<Parameter> _frozen;
    private bool _finished;

    private PartialTraining(List<Linear> adapted, List<Parameter> frozen)
    {
        _adapted = adapted;
        _frozen = frozen;
    }

    /// <summary>The number of linear layers carrying an adapter.</summary>
    public int AdapterCount => _adapted.Count;

    /// <summary>
    /// Freezes and adapts <paramref name="model"/> as <paramref name="options"/> ask (nothing when they ask nothing),
    /// adapters drawn from <paramref name="seed"/>; logs the trainable share to <paramref name="channel"/>.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">TrainableLayers exceeds the model's layer count.</exception>
    public static PartialTraining Apply(RemBertPreTrainedModel model, RemBertTrainerOptions options, int seed, IChannel? channel)
    {
        int layers = model.Config.NumHiddenLayers;
        if (options.TrainableLayers is int requested && requested > layers)
            throw new ArgumentOutOfRangeException(nameof(RemBertTrainerOptions.TrainableLayers), requested,
                $"{nameof(RemBertTrainerOptions.TrainableLayers)} is {requested} but the model has {layers} encoder layers (num_hidden_layers).");
        int firstTrainable = layers - (options.TrainableLayers ?? layers);
        string prefix = BasePrefix(model);
        var lora = options.Lora;

        var frozen = new List<Parameter>();
        foreach (var (name, parameter) in model.named_parameters())
        {
            if (!parameter.requires_grad || !name.StartsWith(prefix, StringComparison.Ordinal))
                continue;
            string local = name[prefix.Length..];
            if (IsFrozen(local, lora is not null, options.FreezeEmbeddings, firstTrainable))
            {
                parameter.requires_grad_(false);
                frozen.Add(parameter);
            }
        }

        var adapted = new List<Linear>();
        var training = new PartialTraining(adapted, frozen);
        try
        {
            if (lora is not null)
            {
                var paths = LoraTargets.Select(lora.TargetModules);
                using var generator = new Generator((ulong)seed);
                var modules = model.named_modules().ToDictionary(pair => pair.name, pair => pair.module, StringComparer.Ordinal);
                for (int layer = firstTrainable; layer < layers; layer++)
                {
                    foreach (var path in paths)
                    {
                        var linear = (Linear)modules[$"{prefix}encoder.layer.{layer}.{path}"];
                        LoraAdapter.Attach(linear, lora.Rank, lora.Scaling, lora.Dropout, generator);
                        adapted.Add(linear);
                    }
                }
            }
            channel?.Info(Describe(model, options, adapted.Count));
            return training;
        }
        catch
        {
            training.Dispose();
            throw;
        }
    }

    /// <summary>Merges the adapters into their layers' weights and removes them; restores the requires_grad flags.</summary>
    public void Complete()
    {
        if (_finished)
            return;
        foreach (var linear in _adapted)
            LoraAdapter.MergeAndRemove(linear);
        Finish();
    }

    /// <summary>Without <see cref="Complete"/>: removes the adapters unmerged. Restores the requires_grad flags.</summary>
    public void Dispose()
    {
        if (_finished)
            return;
        foreach (var linear in _adapted)
            LoraAdapter.Remove(linear);
        Finish();
    }

    private void Finish()
    {
        foreach (var parameter in _frozen)
            parameter.requires_grad_(true);
        _finished = true;
    }

    // Names relative to the base model: embeddings.*, encoder.embedding_hidden_mapping_in.*, encoder.layer.N.*, pooler.*.
    private static bool IsFrozen(string local, bool lora, bool freezeEmbeddings, int firstTrainable)
    {
        bool embeddings = local.StartsWith("embeddings.", StringComparison.Ordinal);
        if (lora && (embeddings || local.StartsWith("encoder.", StringComparison.Ordinal)))
            return true;
        if (freezeEmbeddings && embeddings)
            return true;
        if (firstTrainable == 0)
            return false;
        if (embeddings || local.StartsWith("encoder.embedding_hidden_mapping_in.", StringComparison.Ordinal))
            return true;
        const string layerPrefix = "encoder.layer.";
        if (!local.StartsWith(layerPrefix, StringComparison.Ordinal))
            return false;
        int dot = local.IndexOf('.', layerPrefix.Length);
        return int.Parse(local.AsSpan(layerPrefix.Length, dot - layerPrefix.Length), CultureInfo.InvariantCulture) < firstTrainable;
    }

    // "rembert." for a task head, "" for the bare model.
    private static string BasePrefix(RemBertPreTrainedModel model)
    {
        if (ReferenceEquals(model.BaseModel, model))
            return string.Empty;
        foreach (var (name, module) in model.named_modules())
            if (ReferenceEquals(module, model.BaseModel))
                return name + ".";
        throw new InvalidOperationException($"{model.GetName()} does not contain its base model.");
    }

    private static string Describe(RemBertPreTrainedModel model, RemBertTrainerOptions options, int adapters)
    {
        long all = model.parameters().Sum(p => p.numel());
        long trainable = model.CountParameters(onlyTrainable: true);
        string what = options.Lora is { } lora
            ? $"LoRA rank {lora.Rank}, alpha {lora.Alpha.ToString(CultureInfo.InvariantCulture)} on {adapters} linear layers ({string.Join(", ", lora.TargetModules)}), head and pooler trained"
            : "Partial fine-tuning";
        if (options.TrainableLayers is int n)
            what += $", top {n} encoder layers trainable";
        if (options.FreezeEmbeddings)
            what += ", embeddings frozen";
        return string.Create(CultureInfo.InvariantCulture,
            $"{what}: {trainable:N0} trainable parameters of {all:N0} ({100.0 * trainable / all:F2} %).");
    }

    /// <summary>Whether <paramref name="options"/> ask for anything this class does.</summary>
    public static bool IsRequested(RemBertTrainerOptions options)
        => options.Lora is not null || options.FreezeEmbeddings || options.TrainableLayers is not null;
}
