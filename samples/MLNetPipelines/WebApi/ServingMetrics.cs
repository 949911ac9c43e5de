using System.Collections.Concurrent;
using System.Globalization;
using System.Text;

namespace MLNetPipelines.WebApi;

/// <summary>
/// The counters and histograms of <c>GET /metrics</c>, in Prometheus's text format: requests by endpoint, errors by
/// status, the size of every scored batch and the latency of every prediction request. Thread-safe (lock-free counters).
/// </summary>
internal sealed class ServingMetrics
{
    private readonly ConcurrentDictionary<string, long> _requests = new();
    private readonly ConcurrentDictionary<int, long> _errors = new();
    private readonly Histogram _batchSizes = new([1, 2, 4, 8, 16, 32, 64, 128, 256]);
    private readonly Histogram _latency = new([0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]);
    private long _reloads;
    private long _reloadFailures;

    public void ObserveRequest(string endpoint, int status, TimeSpan elapsed)
    {
        _requests.AddOrUpdate(endpoint, 1, (_, count) => count + 1);
        if (status >= 400)
            _errors.AddOrUpdate(status, 1, (_, count) => count + 1);
        _latency.Observe(elapsed.TotalSeconds);
    }

    /// <summary>Called by the scorer after each batch (the pool scores batches of one).</summary>
    public void ObserveBatch(int size, TimeSpan elapsed) => _batchSizes.Observe(size);

    public void Reloaded() => Interlocked.Increment(ref _reloads);

    public void ReloadFailed() => Interlocked.Increment(ref _reloadFailures);

    public string Render(ServedModel model)
    {
        var text = new StringBuilder();
        text.Append("# HELP rembert_requests_total Prediction requests received, by endpoint.\n# TYPE rembert_requests_total counter\n");
        foreach (var (endpoint, count) in _requests.OrderBy(pair => pair.Key, StringComparer.Ordinal))
            text.Append(CultureInfo.InvariantCulture, $"rembert_requests_total{{endpoint=\"{endpoint}\"}} {count}\n");
        text.Append("# HELP rembert_request_errors_total Prediction requests answered with an error, by HTTP status (499: the client disconnected).\n# TYPE rembert_request_errors_total counter\n");
        foreach (var (status, count) in _errors.OrderBy(pair => pair.Key))
            text.Append(CultureInfo.InvariantCulture, $"rembert_request_errors_total{{status=\"{status}\"}} {count}\n");
        _batchSizes.Render(text, "rembert_batch_size", "Rows scored together in one batch.");
        _latency.Render(text, "rembert_request_duration_seconds", "Time from a prediction request's arrival to its answer.");
        text.Append("# HELP rembert_queue_length Requests waiting to be batched now.\n# TYPE rembert_queue_length gauge\n");
        text.Append(CultureInfo.InvariantCulture, $"rembert_queue_length {model.Scorer.QueueLength}\n");
        text.Append("# HELP rembert_model_reloads_total Replacements of the model file that were loaded and swapped in.\n# TYPE rembert_model_reloads_total counter\n");
        text.Append(CultureInfo.InvariantCulture, $"rembert_model_reloads_total {Interlocked.Read(ref _reloads)}\n");
        text.Append("# HELP rembert_model_reload_failures_total Replacements of the model file that did not load (the previous model kept serving).\n# TYPE rembert_model_reload_failures_total counter\n");
        text.Append(CultureInfo.InvariantCulture, $"rembert_model_reload_failures_total {Interlocked.Read(ref _reloadFailures)}\n");
        return text.ToString();
    }

    /// <summary>A cumulative Prometheus histogram with fixed upper bounds.</summary>
    private sealed class Histogram(double[] bounds)
    {
        private readonly long[] _counts = new long[bounds.Length + 1];
        private long _count;
        private long _sumMicros; // the sum in millionths, so it can be added to atomically

        public void Observe(double value)
        {
            int bucket = Array.FindIndex(bounds, bound => value <= bound);
            Interlocked.Increment(ref _counts[bucket < 0 ? bounds.Length : bucket]);
            Interlocked.Increment(ref _count);
            Interlocked.Add(ref _sumMicros, (long)Math.Round(value * 1e6));
        }

        public void Render(StringBuilder text, string name, string help)
        {
            text.Append(CultureInfo.InvariantCulture, $"# HELP {name} {help}\n# TYPE {name} histogram\n");
            long cumulative = 0;
            for (int i = 0; i < bounds.Length; i++)
            {
                cumulative += Interlocked.Read(ref _counts[i]);
                text.Append(CultureInfo.InvariantCulture, $"{name}_bucket{{le=\"{bounds[i]}\"}} {cumulative}\n");
            }
            cumulative += Interlocked.Read(ref _counts[bounds.Length]);
            text.Append(CultureInfo.InvariantCulture, $"{name}_bucket{{le=\"+Inf\"}} {cumulative}\n");
            text.Append(CultureInfo.InvariantCulture, $"{name}_sum {Interlocked.Read(ref _sumMicros) / 1e6}\n");
            text.Append(CultureInfo.InvariantCulture, $"{name}_count {Interlocked.Read(ref _count)}\n");
        }
    }
}
