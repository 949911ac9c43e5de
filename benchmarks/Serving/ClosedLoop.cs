using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Serving;

/// <summary>
/// A closed-loop load: <c>clients</c> tasks each send one POST /predict, wait for its answer, and send the next, until
/// <c>maxRequests</c> answers or <c>maxSeconds</c> have passed. Every answer must be 200.
/// </summary>
internal static partial class ClosedLoop
{
    /// <param name="ServerCpu">CPU time the server used during the load (every thread, user + system).</param>
    /// <param name="ClientCpu">CPU time this process (the clients) used meanwhile.</param>
    public sealed record Result(int Clients, int Requests, double Seconds, double P50Ms, double P99Ms, double MeanBatchSize, TimeSpan ServerCpu, TimeSpan ClientCpu)
    {
        public double RequestsPerSecond => Requests / Seconds;

        public double ServerCpuMsPerRequest => ServerCpu.TotalMilliseconds / Requests;

        public double ClientCpuMsPerRequest => ClientCpu.TotalMilliseconds / Requests;
    }

    /// <param name="serverCpu">Reads the server's CPU time so far.</param>
    public static async Task<Result> RunAsync(HttpClient client, string[] sentences, int clients, int maxRequests, TimeSpan maxDuration, Func<TimeSpan> serverCpu)
    {
        var (batches, rows) = await BatchTotalsAsync(client);
        int sent = 0;
        var self = Process.GetCurrentProcess();
        var (serverCpuBefore, clientCpuBefore) = (serverCpu(), self.TotalProcessorTime);
        var clock = Stopwatch.StartNew();
        var latencies = await Task.WhenAll(Enumerable.Range(0, clients).Select(id => Task.Run(async () =>
        {
            var mine = new List<double>();
            while (clock.Elapsed < maxDuration && Interlocked.Increment(ref sent) <= maxRequests)
            {
                string body = JsonSerializer.Serialize(new { Sentence1 = sentences[(id * 7919 + mine.Count) % sentences.Length] });
                long started = Stopwatch.GetTimestamp();
                using var response = await client.PostAsync("/predict", new StringContent(body, Encoding.UTF8, "application/json"));
                string text = await response.Content.ReadAsStringAsync();
                if (!response.IsSuccessStatusCode)
                    throw new InvalidOperationException($"POST /predict answered {(int)response.StatusCode}: {text}");
                mine.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }
            return mine;
        })));
        double seconds = clock.Elapsed.TotalSeconds;
        self.Refresh();
        var (serverCpuUsed, clientCpuUsed) = (serverCpu() - serverCpuBefore, self.TotalProcessorTime - clientCpuBefore);
        var all = latencies.SelectMany(list => list).Order().ToArray();
        var (batchesAfter, rowsAfter) = await BatchTotalsAsync(client);
        double meanBatch = batchesAfter > batches ? (rowsAfter - rows) / (batchesAfter - batches) : 0;
        return new Result(clients, all.Length, seconds, Percentile(all, 0.50), Percentile(all, 0.99), meanBatch, serverCpuUsed, clientCpuUsed);
    }

    private static double Percentile(double[] sorted, double p) => sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];

    /// <summary>rembert_batch_size_count and _sum from /metrics: batches scored and rows in them so far.</summary>
    private static async Task<(double Batches, double Rows)> BatchTotalsAsync(HttpClient client)
    {
        string metrics = await client.GetStringAsync("/metrics");
        double Read(string name) => double.Parse(Regex.Match(metrics, "^" + name + " ([0-9.eE+-]+)$", RegexOptions.Multiline).Groups[1].Value, CultureInfo.InvariantCulture);
        return (Read("rembert_batch_size_count"), Read("rembert_batch_size_sum"));
    }
}
