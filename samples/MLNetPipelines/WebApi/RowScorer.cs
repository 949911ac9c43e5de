using Microsoft.Extensions.ObjectPool;
using Microsoft.ML;
using Microsoft.ML.RemBert.Serving;

namespace MLNetPipelines.WebApi;

/// <summary>Scores rows of a zip's emitted row classes (see <see cref="RowTypes"/>), whatever its task.</summary>
internal interface IRowScorer : IAsyncDisposable
{
    Task<object> PredictAsync(object input, CancellationToken cancellationToken);

    /// <summary>Requests waiting to be scored (0 for the pool, which scores on the request's thread).</summary>
    int QueueLength { get; }

    /// <summary>The scorer for <paramref name="types"/>: <c>TInput</c> and <c>TOutput</c> are known only at run time.</summary>
    static IRowScorer Create(RowTypes types, MLContext mlContext, ITransformer model, ServeArguments arguments, Action<int, TimeSpan> batchScored)
    {
        var scorer = arguments.Engine == "pool" ? typeof(PooledScorer<,>) : typeof(BatchingScorer<,>);
        return (IRowScorer)Activator.CreateInstance(scorer.MakeGenericType(types.InputType, types.OutputType), mlContext, model, arguments, batchScored)!;
    }
}

/// <summary>The library's batching engine: concurrent requests share forward passes.</summary>
internal sealed class BatchingScorer<TInput, TOutput>(MLContext mlContext, ITransformer model, ServeArguments arguments, Action<int, TimeSpan> batchScored) : IRowScorer
    where TInput : class
    where TOutput : class, new()
{
    private readonly RemBertBatchingPredictionEngine<TInput, TOutput> _engine = mlContext.Model.CreateBatchingPredictionEngine<TInput, TOutput>(model,
        new RemBertBatchingOptions
        {
            MaxBatchSize = arguments.MaxBatchSize, MaxDelay = arguments.MaxDelay, MaxQueueLength = arguments.MaxQueueLength,
            ConcurrentBatches = arguments.ConcurrentBatches, BatchScored = batchScored,
        });

    public int QueueLength => _engine.QueueLength;

    public async Task<object> PredictAsync(object input, CancellationToken cancellationToken)
        => await _engine.PredictAsync((TInput)input, cancellationToken).ConfigureAwait(false);

    public ValueTask DisposeAsync() => _engine.DisposeAsync();
}

/// <summary>
/// ML.NET's usual serving pattern, for comparison (<c>--engine pool</c>, benchmarks/Serving): an ObjectPool of
/// PredictionEngines as Microsoft.Extensions.ML's PredictionEnginePool keeps them, one engine per request, one row per
/// forward pass. Engines do not own the shared model (<c>OwnsTransformer = false</c>): the pool disposes surplus
/// engines, and an owning engine would free the model under the others.
/// </summary>
internal sealed class PooledScorer<TInput, TOutput> : IRowScorer
    where TInput : class
    where TOutput : class, new()
{
    private readonly ObjectPool<PredictionEngine<TInput, TOutput>> _pool;
    private readonly Action<int, TimeSpan> _batchScored;

    public PooledScorer(MLContext mlContext, ITransformer model, ServeArguments arguments, Action<int, TimeSpan> batchScored)
    {
        _pool = new DefaultObjectPoolProvider().Create(new EnginePolicy(mlContext, model));
        _batchScored = batchScored;
    }

    public int QueueLength => 0;

    public Task<object> PredictAsync(object input, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        long started = System.Diagnostics.Stopwatch.GetTimestamp();
        var engine = _pool.Get();
        try
        {
            object output = engine.Predict((TInput)input);
            _batchScored(1, System.Diagnostics.Stopwatch.GetElapsedTime(started));
            return Task.FromResult(output);
        }
        finally
        {
            _pool.Return(engine);
        }
    }

    public ValueTask DisposeAsync()
    {
        (_pool as IDisposable)?.Dispose();
        return ValueTask.CompletedTask;
    }

    private sealed class EnginePolicy(MLContext mlContext, ITransformer model) : PooledObjectPolicy<PredictionEngine<TInput, TOutput>>
    {
        public override PredictionEngine<TInput, TOutput> Create()
            => mlContext.Model.CreatePredictionEngine<TInput, TOutput>(model, new PredictionEngineOptions { OwnsTransformer = false });

        public override bool Return(PredictionEngine<TInput, TOutput> engine) => true;
    }
}
