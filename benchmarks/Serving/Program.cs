using System.Globalization;
using Serving;

// Closed-loop HTTP load on the Web API sample, 127.0.0.1 only: for each zip, the server runs once with a pool of
// PredictionEngines (one per request, as PredictionEnginePool serves) and once with the batching engine; each client
// count runs until --requests answers or --seconds pass. Prints a Markdown table for docs/serving.md, with the CPU time
// the server used per request (user + system, all threads): on a machine shared with other work, wall-clock requests/s
// varies with the load, CPU per request much less; a server that has N idle cores serves about N / (CPU s per request).
//   dotnet run -c Release --project benchmarks/Serving -- [--clients 1,4,16,64] [--requests 2000] [--seconds 20]
//       [--warmup-seconds 20] [--zips intent,wide] [--engines pool,pool@1,batching,batchingx1] [--server-args "--max-delay-ms 5"] [--work DIR] [--configuration Release]
//   dotnet benchmarks/Serving/bin/Release/net10.0/Serving.dll --thread-probe: is torch.set_num_threads per thread? (docs/serving.md)
// An engine is spelled KIND[@THREADS][xLOOPS]: KIND pool or batching; @THREADS sets libtorch's intra-op threads of the
// server process (OMP_NUM_THREADS, MKL_NUM_THREADS; default: one per core); xLOOPS the batching engine's
// ConcurrentBatches (default: one per core), each loop running on max(1, THREADS / LOOPS) threads.
var clients = new[] { 1, 4, 16, 64 };
int maxRequests = 2000;
double maxSeconds = 20;
string work = Path.Combine(Path.GetTempPath(), "rembert-serving-benchmark");
string configuration = AppContext.BaseDirectory.Contains("/bin/Debug/", StringComparison.Ordinal) ? "Debug" : "Release";
var zips = new[] { "intent", "wide" };
// "pool@1": the pool with libtorch's intra-op threads at 1 (OMP_NUM_THREADS, MKL_NUM_THREADS), the better setting for
// a pool whose concurrency comes from requests (one forward per request thread, no thread team per forward).
var engines = new[] { "pool", "pool@1", "batching", "batchingx1" };
var serverArguments = Array.Empty<string>();
// Until the JIT has settled: in a fresh server, tiered compilation alone took a third of the CPU for the first ~40 s
// of load (measured with perf on the batching server at 16 clients), which would be charged to the first cells.
double warmupSeconds = 20;
for (int i = 0; i < args.Length; i++)
{
    string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
    switch (args[i])
    {
        case "--clients": clients = Next().Split(',').Select(c => int.Parse(c, CultureInfo.InvariantCulture)).ToArray(); break;
        case "--requests": maxRequests = int.Parse(Next(), CultureInfo.InvariantCulture); break;
        case "--warmup-seconds": warmupSeconds = double.Parse(Next(), CultureInfo.InvariantCulture); break;
        case "--seconds": maxSeconds = double.Parse(Next(), CultureInfo.InvariantCulture); break;
        case "--work": work = Next(); break;
        case "--zips": zips = Next().Split(','); break;
        case "--engines": engines = Next().Split(','); break;
        case "--server-args": serverArguments = Next().Split(' ', StringSplitOptions.RemoveEmptyEntries); break;
        case "--configuration": configuration = Next(); break;
        case "--thread-probe": ThreadProbe.Run(); return 0;
        default: Console.Error.WriteLine($"unknown argument '{args[i]}'"); return 2;
    }
}
try
{
    foreach (var engine in engines)
        EngineSpelling.Parse(engine);
}
catch (ArgumentException error)
{
    Console.Error.WriteLine(error.Message);
    return 2;
}
Directory.CreateDirectory(work);
var sentences = BenchmarkZips.Sentences();
Console.WriteLine($"{Environment.ProcessorCount} cores, load average {string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3))}; " +
    $"each cell: at most {maxRequests} requests and {maxSeconds} s; {sentences.Length} test sentences of intents.test.tsv.");
var results = new List<string>();
foreach (var name in zips)
{
    string zip = name == "wide" ? BenchmarkZips.Wide(work) : BenchmarkZips.Intent(work);
    foreach (var engine in engines)
    {
        var (kind, threads, loops) = EngineSpelling.Parse(engine);
        using var server = ServerProcess.Start(zip, kind, configuration,
            loops is null ? serverArguments : [.. serverArguments, "--concurrent-batches", loops], threads);
        using var http = new HttpClient { BaseAddress = server.Address, Timeout = TimeSpan.FromMinutes(5) };
        // Warm-up: every client count once briefly (each takes its own code paths), then 16 clients until the time is up.
        foreach (int count in clients)
            await ClosedLoop.RunAsync(http, sentences, count, maxRequests: 4 * count, TimeSpan.FromSeconds(60), server.CpuTime);
        await ClosedLoop.RunAsync(http, sentences, clients: 16, maxRequests: int.MaxValue, TimeSpan.FromSeconds(warmupSeconds), server.CpuTime);
        foreach (int count in clients)
        {
            string load = File.ReadAllText("/proc/loadavg").Split(' ')[0];
            var result = await ClosedLoop.RunAsync(http, sentences, count, maxRequests, TimeSpan.FromSeconds(maxSeconds), server.CpuTime);
            string line = string.Create(CultureInfo.InvariantCulture,
                $"| {name} | {engine} | {count} | {result.Requests} | {result.RequestsPerSecond:F1} | {result.P50Ms:F1} | {result.P99Ms:F1} | {result.MeanBatchSize:F2} | " +
                $"{result.ServerCpuMsPerRequest:F2} | {result.ClientCpuMsPerRequest:F2} | {server.PeakResidentBytes() / 1e6:F0} | {load} |");
            Console.WriteLine(line);
            results.Add(line);
        }
        int exit = server.Stop();
        if (exit != 0)
            Console.Error.WriteLine($"The server exited with {exit} after SIGTERM.");
    }
}
Console.WriteLine();
Console.WriteLine("| zip | engine | clients | requests | requests/s | p50 ms | p99 ms | mean batch | server CPU ms/req | client CPU ms/req | peak RSS MB | load avg |");
Console.WriteLine("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
results.ForEach(Console.WriteLine);
return 0;
