using Microsoft.ML.RemBert.MLNet.Scoring;
using Microsoft.ML.RemBert.Runtime;
using Microsoft.ML.RemBert.Trainers;

// In the Microsoft.ML namespace, like ML.NET's own catalog extensions, so `using Microsoft.ML;` is enough.
namespace Microsoft.ML;

/// <summary>Settings of a trained or loaded model's RemBERT scoring.</summary>
public static class RemBertScoringCatalog
{
    /// <summary>
    /// Applies <paramref name="settings"/> (device, precision, batch size, prepacked weights) to every RemBERT transformer inside
    /// <paramref name="model"/>: the transformer itself or any ML.NET chain that contains one (nested chains included),
    /// e.g. a model just loaded with <c>mlContext.Model.Load</c>. Call it before scoring: it is not thread-safe with
    /// respect to cursors or PredictionEngines that score with the model meanwhile.
    /// </summary>
    /// <param name="model">The model; returned, for chaining after <c>mlContext.Model.Load</c>.</param>
    /// <param name="settings">What to change; null properties are left as they are.</param>
    /// <exception cref="ArgumentException">The device is unknown or absent (the message names it and what is available), the batch size is
    /// below 1, or weights would be prepacked on a GPU.</exception>
    /// <exception cref="NotSupportedException">Weights would be prepacked but this process's libtorch cannot (the message says why).</exception>
    /// <exception cref="InvalidOperationException"><paramref name="model"/> holds no RemBERT transformer.</exception>
    public static TTransformer ConfigureRemBertScoring<TTransformer>(this TTransformer model, RemBertScoringSettings settings)
        where TTransformer : ITransformer
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(settings);
        if (settings.InferenceBatchSize is < 1)
            throw new ArgumentException($"InferenceBatchSize must be at least 1, not {settings.InferenceBatchSize}.", nameof(settings));
        // Everything is checked before anything changes: a bad device leaves the model as it was.
        var device = settings.Device is null ? null : TorchRuntime.ParseDevice(settings.Device);
        var transformers = RemBertTransformersIn(model).ToList();
        if (transformers.Count == 0)
            throw new InvalidOperationException($"The model ({model.GetType().Name}) holds no RemBERT transformer whose scoring could be configured.");
        foreach (var transformer in transformers)
            transformer.CheckPrepackable(device, settings.Precision, settings.PrepackWeights);
        foreach (var transformer in transformers)
            transformer.Configure(device, settings.Precision, settings.InferenceBatchSize, settings.PrepackWeights);
        return model;
    }

    private static IEnumerable<RemBertScoringTransformer> RemBertTransformersIn(ITransformer model) => model switch
    {
        RemBertScoringTransformer scoring => [scoring],
        IEnumerable<ITransformer> chain => chain.SelectMany(RemBertTransformersIn),
        _ => [],
    };
}
