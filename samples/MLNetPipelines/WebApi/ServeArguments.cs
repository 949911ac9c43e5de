using System.Globalization;
using Microsoft.ML.RemBert.Modeling;
using Microsoft.ML.RemBert.Serving;

namespace MLNetPipelines.WebApi;

/// <summary>
/// The command line: <c>--model MODEL.zip [--urls URLS] [--device cpu|cuda] [--precision float32|bfloat16] [--prepack-weights]</c>, plus the
/// serving knobs <c>[--engine batching|pool] [--max-batch-size N] [--max-delay-ms N] [--max-queue-length N] [--concurrent-batches N]</c>.
/// </summary>
internal sealed record ServeArguments
{
    public const string Usage =
        "usage: --model MODEL.zip [--urls http://127.0.0.1:5080] [--device cpu|cuda] [--precision float32|bfloat16] [--prepack-weights] " +
        "[--engine batching|pool] [--max-batch-size 32] [--max-delay-ms 5] [--max-queue-length 1024] [--concurrent-batches N (default: cores)]";

    /// <summary>The zip to serve; replacing it (atomic rename) reloads it.</summary>
    public required string ModelPath { get; init; }

    /// <summary>Where Kestrel listens; port 0 picks a free port (logged as "Now listening on: ...").</summary>
    public string Urls { get; init; } = "http://127.0.0.1:5080";

    /// <summary>"cpu", "cuda" or "cuda:N".</summary>
    public string Device { get; init; } = "cpu";

    /// <summary>The precision the model scores in.</summary>
    public RemBertPrecision Precision { get; init; } = RemBertPrecision.Float32;

    /// <summary>
    /// Packs the encoder's weights once for the CPU's kernels (RemBertScoringSettings.PrepackWeights): faster small
    /// batches, for extra memory (float32: 1.7 to 2.9 times the encoder's weights; bfloat16: their size). CPU only.
    /// </summary>
    public bool PrepackWeights { get; init; }

    /// <summary>"batching" (the default: RemBertBatchingPredictionEngine) or "pool" (a pool of PredictionEngines, one per request, for comparison).</summary>
    public string Engine { get; init; } = "batching";

    public int MaxBatchSize { get; init; } = 32;

    public TimeSpan MaxDelay { get; init; } = TimeSpan.FromMilliseconds(5);

    public int MaxQueueLength { get; init; } = 1024;

    /// <summary>Batches scored at once by the batching engine, each on its share of libtorch's threads (the library's default: one per core).</summary>
    public int ConcurrentBatches { get; init; } = DefaultConcurrentBatches;

    private static readonly int DefaultConcurrentBatches = new RemBertBatchingOptions().ConcurrentBatches;

    /// <summary>Parses <paramref name="args"/>; an <see cref="ArgumentException"/> names the argument at fault.</summary>
    public static ServeArguments Parse(string[] args)
    {
        string? model = null, urls = null, device = null, engine = null;
        RemBertPrecision precision = RemBertPrecision.Float32;
        bool prepackWeights = false;
        int maxBatchSize = 32, maxDelayMs = 5, maxQueueLength = 1024, concurrentBatches = DefaultConcurrentBatches;
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--model": model = Value(args, ref i); break;
                case "--urls": urls = Value(args, ref i); break;
                case "--device":
                    device = Value(args, ref i);
                    if (device != "cpu" && device != "cuda" && !(device.StartsWith("cuda:", StringComparison.Ordinal) && int.TryParse(device[5..], NumberStyles.None, CultureInfo.InvariantCulture, out _)))
                        throw new ArgumentException($"--device is '{device}'; use cpu, cuda or cuda:N.");
                    break;
                case "--precision":
                    string name = Value(args, ref i);
                    precision = name switch
                    {
                        "float32" => RemBertPrecision.Float32,
                        "bfloat16" => RemBertPrecision.BFloat16,
                        _ => throw new ArgumentException($"--precision is '{name}'; use float32 or bfloat16."),
                    };
                    break;
                case "--prepack-weights": prepackWeights = true; break;
                case "--engine":
                    engine = Value(args, ref i);
                    if (engine is not ("batching" or "pool"))
                        throw new ArgumentException($"--engine is '{engine}'; use batching or pool.");
                    break;
                case "--max-batch-size": maxBatchSize = Count(args, ref i, minimum: 1); break;
                case "--max-delay-ms": maxDelayMs = Count(args, ref i, minimum: 0); break;
                case "--max-queue-length": maxQueueLength = Count(args, ref i, minimum: 1); break;
                case "--concurrent-batches": concurrentBatches = Count(args, ref i, minimum: 1, maximum: 256); break;
                default: throw new ArgumentException($"unknown argument '{args[i]}'.");
            }
        }
        if (model is null)
            throw new ArgumentException("--model is required: the ML.NET zip to serve.");
        if (prepackWeights && (device ?? "cpu") != "cpu")
            throw new ArgumentException($"--prepack-weights applies to --device cpu, not {device}.");
        return new ServeArguments
        {
            ModelPath = Path.GetFullPath(model), Urls = urls ?? "http://127.0.0.1:5080", Device = device ?? "cpu", Precision = precision,
            Engine = engine ?? "batching", MaxBatchSize = maxBatchSize, MaxDelay = TimeSpan.FromMilliseconds(maxDelayMs), MaxQueueLength = maxQueueLength,
            ConcurrentBatches = concurrentBatches, PrepackWeights = prepackWeights,
        };
    }

    private static string Value(string[] args, ref int i)
    {
        if (i + 1 >= args.Length || args[i + 1].StartsWith("--", StringComparison.Ordinal))
            throw new ArgumentException($"{args[i]} needs a value.");
        return args[++i];
    }

    private static int Count(string[] args, ref int i, int minimum, int maximum = int.MaxValue)
    {
        string option = args[i], text = Value(args, ref i);
        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int value) || value < minimum || value > maximum)
            throw new ArgumentException(maximum == int.MaxValue
                ? $"{option} is '{text}'; it must be a whole number of at least {minimum}."
                : $"{option} is '{text}'; it must be a whole number from {minimum} to {maximum}.");
        return value;
    }
}
