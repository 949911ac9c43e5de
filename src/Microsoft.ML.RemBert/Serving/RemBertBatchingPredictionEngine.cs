using System.Diagnostics;
using Microsoft.ML.Data;
using Microsoft.ML.RemBert.MLNet.Scoring;
using Microsoft.ML.RemBert.Modeling;
using Microsoft.ML.Runtime;

namespace Microsoft.ML.RemBert.Serving;

/// <summary>
/// Scores single rows sent from many threads (e.g. the requests of a web service) by coalescing them: requests wait in
/// a bounded queue, and a free background loop takes up to <see cref="RemBertBatchingOptions.MaxBatchSize"/> of them,
/// runs one <c>Transform</c> of the model over them (our transformers score such a view in batches of their
/// <c>InferenceBatchSize</c>, one forward pass each) and completes each request with its own row (a batch of one row
/// goes through a PredictionEngine the loop keeps, which skips Transform's per-view setup).
/// <see cref="RemBertBatchingOptions.ConcurrentBatches"/> loops score batches at once, each on its share of libtorch's
/// intra-op threads. A forward pass over
/// 16 short rows costs little more than over one, so concurrent callers are served several times faster than by one
/// <see cref="PredictionEngine{TSrc, TDst}"/> per thread. Made by <c>mlContext.Model.CreateBatchingPredictionEngine</c>.
/// </summary>
/// <remarks>
/// <para>Thread safety: every member may be called from any thread at once.</para>
/// <para>Results equal <c>PredictionEngine.Predict</c> for the same rows (up to float rounding
/// of a row padded within a batch, about 1e-6). A row that makes its batch fail (e.g. a QA row with an empty context) fails only its
/// own task: the batch is then scored again one row at a time to isolate it.</para>
/// <para>The engine does not own the model: <see cref="DisposeAsync"/> scores what is queued and stops the loops;
/// dispose the model after it (in-flight requests then never see a disposed model).</para>
/// </remarks>
public sealed class RemBertBatchingPredictionEngine<TInput, TOutput> : IAsyncDisposable
    where TInput : class
    where TOutput : class, new()
{
    private readonly ITransformer _model;
    private readonly DataOperationsCatalog _data;
    private readonly RemBertBatchingOptions _options;
    private readonly int _maxBatchSize;
    private readonly TimeSpan _maxDelay;
    private readonly int _maxQueueLength;
    private readonly Action<int, TimeSpan>? _batchScored;
    private readonly int _concurrentBatches;
    // Whether a batch scored while every other loop is idle gets all the loops' threads (see Run).
    private readonly bool _aloneTakesAllThreads;
    // The wait for company ends once no request has arrived for this long (see TakeBatch).
    private readonly TimeSpan _arrivalGap;

    // A lone batch of a model this wide (multiply-adds per token per layer: 4·hidden² for the attention's projections,
    // 2·hidden·intermediate for the feed-forward) runs operators of a millisecond or more, which a team of threads
    // shortens (google/rembert's width: 15.9 M; measured in docs/serving.md, 4-layer zip at 1 client). A narrow model's
    // operators last tens of microseconds, about what forking and joining a team costs (the embedded default: 0.8 M):
    // its lone batches stay on the loop's share. Between BERT-small (3.1 M) and BERT-base (7.1 M).
    private const long WideModelMultiplyAddsPerToken = 4_000_000;

    // The wait for company ends when arrivals pause for this fraction of MaxDelay: requests that come together
    // (callers answered by one batch sending again) arrive within a fraction of a millisecond of one another, so a
    // pause of a quarter of the delay means the burst is over; waiting out the rest would leave a core idle
    // (measured: 4 closed-loop clients on 2 loops, docs/serving.md).
    private const int ArrivalGapsPerMaxDelay = 4;
    // One per loop (a PredictionEngine is not thread-safe), each dropped when its loop stops: an engine's scoring row
    // holds the model until collected (docs/serving.md, "Model lifetime"), and a stopped batching engine that is still
    // referenced must not keep a disposed model's memory.
    private readonly PredictionEngine<TInput, TOutput>?[] _singles;

    // Guarded by _queue itself (Monitor): the loops wait on it, PredictAsync, DisposeAsync and the loops pulse it.
    private readonly LinkedList<Request> _queue = new();
    private bool _closing;
    // Whether waiting for company is worth it: set when a request arrives while another waits or is being scored,
    // cleared when a wait of MaxDelay brought no company. So a lone caller (or traffic so sparse that requests never
    // overlap) pays MaxDelay once, not on every request, while concurrent callers keep forming batches.
    private bool _companyExpected = true;
    // Requests taken into a batch and not yet completed. Each is counted off before its task completes, so a caller
    // that sends its next request as soon as it has its answer is not taken for company.
    private int _taken;
    // Loops scoring a batch now (guarded by _queue): the others are free to take a share of what is queued.
    private int _scoring;
    // Loops still running; the last one to stop completes _stopped.
    private int _running;
    private readonly TaskCompletionSource _stopped = new(TaskCreationOptions.RunContinuationsAsynchronously);

    internal RemBertBatchingPredictionEngine(IHostEnvironment env, ITransformer model, RemBertBatchingOptions options)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (RemBertModelDescription.Find(model) is null)
            throw new ArgumentException($"The model ({model.GetType().Name}) contains no RemBERT transformer; a batching prediction engine gains nothing over ML.NET's PredictionEngine for it.", nameof(model));
        _model = model;
        _data = new DataOperationsCatalog(env);
        var config = RemBertModelDescription.Find(model)!.ScoringTask.ScoredModel?.Config;
        _aloneTakesAllThreads = config is not null && AloneTakesAllThreads(config);
        _arrivalGap = options.MaxDelay / ArrivalGapsPerMaxDelay;
        _options = options;
        (_maxBatchSize, _maxDelay, _maxQueueLength, _batchScored, _concurrentBatches) =
            (options.MaxBatchSize, options.MaxDelay, options.MaxQueueLength, options.BatchScored, options.ConcurrentBatches);

        // Fails now, naming a missing or mistyped column, rather than in every request.
        var inputSchema = _data.LoadFromEnumerable(Array.Empty<TInput>()).Schema;
        model.GetOutputSchema(inputSchema);
        // A batch of one (a lone caller, or a row isolated after its batch failed) skips Transform's per-view setup:
        // PredictionEngine's row mapper scores it alone, with the same result. Each is used by its own loop only.
        _singles = new PredictionEngine<TInput, TOutput>?[_concurrentBatches];
        for (int i = 0; i < _singles.Length; i++)
            _singles[i] = new PredictionEngine<TInput, TOutput>(env, model, ownsTransformer: false, inputSchemaDefinition: null, outputSchemaDefinition: null, ignoreMissingColumns: true);

        _running = _concurrentBatches;
        for (int i = 0; i < _concurrentBatches; i++)
        {
            int loop = i;
            new Thread(() => Run(loop)) { IsBackground = true, Name = $"RemBERT batching engine {loop + 1}/{_concurrentBatches}" }.Start();
        }
    }

    /// <summary>The options the engine was made with (changing them afterwards has no effect).</summary>
    public RemBertBatchingOptions Options => _options;

    /// <summary>Requests waiting to be scored now.</summary>
    public int QueueLength
    {
        get { lock (_queue) return _queue.Count; }
    }

    /// <summary>
    /// Queues <paramref name="input"/> and returns its prediction once its batch is scored.
    /// </summary>
    /// <param name="input">The row; it must not be changed until the task completes.</param>
    /// <param name="cancellationToken">Cancels the request while it waits in the queue (it then leaves the queue); a row already being scored completes.</param>
    /// <exception cref="RemBertOverloadedException">Thrown at once when <see cref="RemBertBatchingOptions.MaxQueueLength"/> requests already wait.</exception>
    /// <exception cref="ObjectDisposedException">The engine is disposed or being disposed.</exception>
    public Task<TOutput> PredictAsync(TInput input, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (cancellationToken.IsCancellationRequested)
            return Task.FromCanceled<TOutput>(cancellationToken);
        var request = new Request(this, input, cancellationToken);
        lock (_queue)
        {
            ObjectDisposedException.ThrowIf(_closing, this);
            if (_queue.Count >= _maxQueueLength)
                throw new RemBertOverloadedException(_maxQueueLength);
            if (_queue.Count > 0 || Volatile.Read(ref _taken) > 0)
                _companyExpected = true;
            request.Node = _queue.AddLast(request);
            // The first request wakes one idle loop, which then gathers company; a full batch wakes a loop waiting for it.
            if (_queue.Count == 1)
                Monitor.Pulse(_queue);
            else if (_queue.Count >= _maxBatchSize)
                Monitor.PulseAll(_queue);
        }
        if (cancellationToken.CanBeCanceled)
            request.Registration = cancellationToken.Register(static state => ((Request)state!).Cancel(), request);
        return request.Completion.Task;
    }

    /// <summary>Refuses new requests, scores every queued one, then stops the loops. Idempotent.</summary>
    public ValueTask DisposeAsync()
    {
        lock (_queue)
        {
            _closing = true;
            Monitor.PulseAll(_queue);
        }
        return new ValueTask(_stopped.Task);
    }

    /// <summary>Whether a lone batch of a model of this shape is scored on all the loops' threads (WideModelMultiplyAddsPerToken).</summary>
    internal static bool AloneTakesAllThreads(RemBertConfig config)
        => 4L * config.HiddenSize * config.HiddenSize + 2L * config.HiddenSize * config.IntermediateSize >= WideModelMultiplyAddsPerToken;

    private void Run(int loop)
    {
        try
        {
            var (share, all) = ShareIntraOpThreads();
            int current = share;
            var single = _singles[loop]!;
            bool scored = false;
            while (TakeBatch(scored, out bool alone) is { Count: > 0 } batch)
            {
                scored = true;
                int wanted = alone && _aloneTakesAllThreads ? all : share;
                if (wanted != current && IntraOpThreads.TrySetForThisThread(wanted))
                    current = wanted;
                Score(batch, single);
            }
        }
        finally
        {
            _singles[loop]?.Dispose();
            _singles[loop] = null;
            if (Interlocked.Decrement(ref _running) == 0)
                _stopped.TrySetResult();
        }
    }

    /// <summary>
    /// Several loops split the intra-op threads libtorch would give one (IntraOpThreads), so that N loops scoring at once
    /// fill the cores rather than oversubscribe them; one loop keeps the count it inherits. Returns the loop's share
    /// and the inherited count, which a lone batch of a wide model takes whole (no other loop is scoring then).
    /// </summary>
    private (int Share, int All) ShareIntraOpThreads()
    {
        if (_concurrentBatches == 1)
            return (0, 0); // one loop: nothing to share, nothing to change
        try
        {
            return IntraOpThreads.TakeShare(_concurrentBatches);
        }
        catch (Exception)
        {
            // Only a matter of speed: the loop scores with the count it inherited.
            return (0, 0);
        }
    }

    /// <summary>
    /// Waits for a first request, then (while company is expected) for others until MaxBatchSize wait, the first one
    /// waited MaxDelay, or none arrived for a quarter of it; empty when closing with nothing queued.
    /// <paramref name="scoredOne"/>: the loop comes back from scoring a batch. <paramref name="alone"/>: no other loop
    /// is scoring as this batch is taken.
    /// </summary>
    private List<Request> TakeBatch(bool scoredOne, out bool alone)
    {
        alone = false;
        lock (_queue)
        {
            if (scoredOne)
                _scoring--;
            bool waitedInVain;
            while (true)
            {
                waitedInVain = false;
                while (_queue.Count == 0)
                {
                    if (_closing)
                        return [];
                    Monitor.Wait(_queue);
                }
                while (_queue.Count is > 0 && _queue.Count < _maxBatchSize && !_closing && _companyExpected)
                {
                    long now = Stopwatch.GetTimestamp();
                    var waited = Stopwatch.GetElapsedTime(_queue.First!.Value.QueuedAt, now);
                    var quiet = Stopwatch.GetElapsedTime(_queue.Last!.Value.QueuedAt, now);
                    if (waited >= _maxDelay || quiet >= _arrivalGap)
                    {
                        waitedInVain = _queue.Count == 1;
                        break;
                    }
                    Monitor.Wait(_queue, TimeSpan.FromTicks(Math.Min((_maxDelay - waited).Ticks, (_arrivalGap - quiet).Ticks)));
                }
                if (_queue.Count > 0)
                    break;
                // Every waiting request was cancelled while the loop waited for company: wait for the next one.
            }
            var batch = new List<Request>(ShareToTake());
            while (batch.Count < batch.Capacity && _queue.First is { } node)
            {
                _queue.RemoveFirst();
                node.Value.Node = null;
                batch.Add(node.Value);
            }
            if (waitedInVain)
                _companyExpected = false;
            Interlocked.Add(ref _taken, batch.Count);
            alone = _scoring == 0;
            _scoring++;
            // What this batch left behind goes to another idle loop, if any (arrivals pulse only the first request).
            if (_queue.Count > 0)
                Monitor.Pulse(_queue);
            return batch;
        }
    }

    /// <summary>
    /// How many queued requests this loop takes (under the lock): MaxBatchSize when that many wait, or everything when
    /// closing; otherwise (the wait for company is over) an even share with the loops that are free, so that they score
    /// at once rather than one after the other. Closed-loop callers (N clients that each send again once answered) would
    /// otherwise come back together and be gathered by one loop every time while the others idle.
    /// </summary>
    private int ShareToTake()
    {
        int queued = _queue.Count;
        if (queued >= _maxBatchSize)
            return _maxBatchSize;
        if (_closing)
            return queued;
        int freeLoops = Math.Max(0, _concurrentBatches - _scoring - 1) + 1; // this loop among them
        return (queued + freeLoops - 1) / freeLoops;
    }

    private void Score(List<Request> batch, PredictionEngine<TInput, TOutput> single)
    {
        var started = Stopwatch.GetTimestamp();
        if (batch.Count == 1)
        {
            ScoreAlone(batch[0], single);
            Report(1, Stopwatch.GetElapsedTime(started));
            return;
        }
        try
        {
            var outputs = Transform(batch.Select(request => request.Input).ToList());
            for (int i = 0; i < batch.Count; i++)
                batch[i].Complete(outputs[i]);
        }
        catch (Exception)
        {
            // One bad row fails the whole Transform: score each row alone so only that row's caller sees the error.
            foreach (var request in batch)
                ScoreAlone(request, single);
        }
        finally
        {
            Report(batch.Count, Stopwatch.GetElapsedTime(started));
        }
    }

    private static void ScoreAlone(Request request, PredictionEngine<TInput, TOutput> single)
    {
        try
        {
            request.Complete(single.Predict(request.Input));
        }
        catch (Exception error)
        {
            request.Fail(error);
        }
    }

    private List<TOutput> Transform(List<TInput> rows)
    {
        var scored = new SingleCursorView(_model.Transform(_data.LoadFromEnumerable(rows)));
        var outputs = _data.CreateEnumerable<TOutput>(scored, reuseRowObject: false, ignoreMissingColumns: true).ToList();
        if (outputs.Count != rows.Count)
            throw new InvalidOperationException($"The model returned {outputs.Count} rows for {rows.Count}; a batching engine needs a model that maps each row to one row (no filter).");
        return outputs;
    }

    private void Report(int size, TimeSpan elapsed)
    {
        try
        {
            _batchScored?.Invoke(size, elapsed);
        }
        catch (Exception)
        {
            // A metrics callback must not stop the loop (documented on BatchScored).
        }
    }

    /// <summary>A queued row: its task, its node in the queue while it waits (null once taken or cancelled).</summary>
    private sealed class Request(RemBertBatchingPredictionEngine<TInput, TOutput> owner, TInput input, CancellationToken cancellationToken)
    {
        public TInput Input => input;
        public long QueuedAt { get; } = Stopwatch.GetTimestamp();
        public TaskCompletionSource<TOutput> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public LinkedListNode<Request>? Node { get; set; }
        public CancellationTokenRegistration Registration { get; set; }
        private int _completed;

        public void Cancel()
        {
            lock (owner._queue)
            {
                if (Node is null)
                    return; // already taken into a batch: it completes with its result
                owner._queue.Remove(Node);
                Node = null;
            }
            Completion.TrySetCanceled(cancellationToken);
        }

        public void Complete(TOutput output)
        {
            if (Finish())
                Completion.TrySetResult(output);
        }

        public void Fail(Exception error)
        {
            if (Finish())
                Completion.TrySetException(error);
        }

        /// <summary>False when the request was completed already; else counts it off the engine's taken requests.</summary>
        private bool Finish()
        {
            if (Interlocked.Exchange(ref _completed, 1) != 0)
                return false;
            Registration.Dispose();
            Interlocked.Decrement(ref owner._taken);
            return true;
        }
    }
}
