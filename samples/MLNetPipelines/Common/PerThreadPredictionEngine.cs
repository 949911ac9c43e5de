using Microsoft.ML;

namespace MLNetPipelines.Common;

/// <summary>
/// A saved ML.NET model as a production app uses it: the zip is loaded once, on the first prediction, and each thread
/// gets its own <see cref="PredictionEngine{TSrc, TDst}"/> (an engine is not thread-safe; the loaded model is).
/// </summary>
public sealed class PerThreadPredictionEngine<TInput, TOutput> : IDisposable
    where TInput : class
    where TOutput : class, new()
{
    private readonly MLContext mlContext = new();
    private readonly Lazy<ITransformer> model;
    private readonly ThreadLocal<PredictionEngine<TInput, TOutput>> engines;

    /// <summary>An engine over the zip at <paramref name="modelPath"/>; nothing is read until the first prediction.</summary>
    public PerThreadPredictionEngine(string modelPath)
    {
        model = new Lazy<ITransformer>(() => mlContext.Model.Load(modelPath, out _), LazyThreadSafetyMode.ExecutionAndPublication);
        engines = new ThreadLocal<PredictionEngine<TInput, TOutput>>(
            () => mlContext.Model.CreatePredictionEngine<TInput, TOutput>(model.Value), trackAllValues: true);
    }

    /// <summary>The calling thread's engine (created on its first use).</summary>
    public PredictionEngine<TInput, TOutput> Engine => engines.Value!;

    /// <summary>Predicts one row; safe to call from several threads at once.</summary>
    public TOutput Predict(TInput input) => Engine.Predict(input);

    /// <summary>Disposes every thread's engine and the loaded model.</summary>
    public void Dispose()
    {
        foreach (var engine in engines.Values) engine.Dispose();
        engines.Dispose();
        (model.IsValueCreated ? model.Value as IDisposable : null)?.Dispose();
    }
}
