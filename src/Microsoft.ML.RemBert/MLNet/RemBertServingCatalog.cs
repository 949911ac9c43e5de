using Microsoft.ML.RemBert.Serving;

// In the Microsoft.ML namespace, like ML.NET's own catalog extensions, so `using Microsoft.ML;` is enough.
namespace Microsoft.ML;

/// <summary>ML.NET catalog entry points of Microsoft.ML.RemBert for serving saved models.</summary>
public static class RemBertServingCatalog
{
    /// <summary>
    /// A thread-safe engine that coalesces concurrent <c>PredictAsync</c> calls into batched forward passes of
    /// <paramref name="model"/> (any ML.NET chain containing a RemBERT transformer, e.g. MapValueToKey → trainer →
    /// MapKeyToValue, as loaded from a zip). The engine does not own the model: dispose the model after the engine.
    /// </summary>
    /// <param name="catalog">mlContext.Model.</param>
    /// <param name="model">The model; its input schema must accept <typeparamref name="TInput"/> (checked now).</param>
    /// <param name="options">Batch size, delay and queue bound; defaults when null.</param>
    public static RemBertBatchingPredictionEngine<TInput, TOutput> CreateBatchingPredictionEngine<TInput, TOutput>(
        this ModelOperationsCatalog catalog, ITransformer model, RemBertBatchingOptions? options = null)
        where TInput : class
        where TOutput : class, new()
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return new RemBertBatchingPredictionEngine<TInput, TOutput>(((Microsoft.ML.Data.IInternalCatalog)catalog).Environment, model, options ?? new RemBertBatchingOptions());
    }
}
