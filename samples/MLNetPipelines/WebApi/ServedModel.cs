using System.Diagnostics;
using System.Security.Cryptography;
using Microsoft.ML;
using Microsoft.ML.RemBert.MLNet.Scoring;
using Microsoft.ML.RemBert.Modeling;
using Microsoft.ML.RemBert.Serving;
using Microsoft.ML.RemBert.Trainers;

namespace MLNetPipelines.WebApi;

/// <summary>
/// One loaded zip and its scorer, with what <c>GET /health</c> reports. Requests lease it (<see cref="TryAcquire"/>);
/// the host holds one lease until it swaps the model out, and the last lease's release disposes the scorer (which
/// scores what is queued) and then the model, so no request ever runs on a disposed model.
/// </summary>
internal sealed class ServedModel
{
    private readonly ITransformer _model;
    private readonly ILogger _logger;
    private int _leases = 1;
    private readonly TaskCompletionSource _disposed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private ServedModel(string path, string sha256, ITransformer model, DataViewSchema inputSchema, RemBertModelDescription description,
        RowTypes rows, IRowScorer scorer, TimeSpan loadDuration, ServeArguments arguments, ILogger logger)
    {
        (Path, Sha256, _model, InputSchema, Description, Rows, Scorer, LoadDuration, _logger) =
            (path, sha256, model, inputSchema, description, rows, scorer, loadDuration, logger);
        Device = arguments.Device;
        Precision = arguments.Precision == RemBertPrecision.BFloat16 ? "bfloat16" : "float32";
        LoadedAt = DateTimeOffset.UtcNow;
    }

    public string Path { get; }
    public string Sha256 { get; }
    public DataViewSchema InputSchema { get; }
    public RemBertModelDescription Description { get; }
    public RowTypes Rows { get; }
    public IRowScorer Scorer { get; }
    public DateTimeOffset LoadedAt { get; }
    public TimeSpan LoadDuration { get; }
    public string Device { get; }
    public string Precision { get; }

    /// <summary>Completes once the scorer and the model are disposed.</summary>
    public Task Disposed => _disposed.Task;

    /// <summary>The input columns and their types, e.g. "Sentence1: String, Label: String": two zips with the same one serve the same requests.</summary>
    public string InputSignature => string.Join(", ", InputSchema.Where(column => !column.IsHidden).Select(column => $"{column.Name}: {column.Type}"));

    /// <summary>
    /// Loads the zip at <paramref name="path"/> from one open handle (hashed, then read: a replacement during the load
    /// cannot mix two files). Errors are one line naming the file.
    /// </summary>
    public static ServedModel Load(string path, ServeArguments arguments, Action<int, TimeSpan> batchScored, ILogger logger)
    {
        var started = Stopwatch.GetTimestamp();
        var mlContext = new MLContext();
        ITransformer? model = null;
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete);
            string sha256 = Convert.ToHexStringLower(SHA256.HashData(stream));
            stream.Position = 0;
            model = mlContext.Model.Load(stream, out var inputSchema);
            var description = RemBertModelDescription.Of(model);
            ApplyScoringSettings(model, arguments);
            var rows = RowTypes.Create(inputSchema, model.GetOutputSchema(inputSchema), description.InputColumnNames.ToHashSet());
            var missing = description.InputColumnNames.Where(name => rows.Inputs.All(input => input.Name != name)).ToList();
            if (missing.Count > 0)
                throw new InvalidDataException($"the model reads column(s) {string.Join(", ", missing)} that its saved input schema does not have.");
            var scorer = IRowScorer.Create(rows, mlContext, model, arguments, batchScored);
            return new ServedModel(path, sha256, model, inputSchema, description, rows, scorer, Stopwatch.GetElapsedTime(started), arguments, logger);
        }
        catch (Exception error)
        {
            (model as IDisposable)?.Dispose();
            throw new InvalidDataException($"{path}: {OneLine(error)}", error);
        }
    }

    /// <summary>--device, --precision and --prepack-weights, applied to every RemBERT transformer of the loaded chain before it serves.</summary>
    private static void ApplyScoringSettings(ITransformer model, ServeArguments arguments)
    {
        try
        {
            model.ConfigureRemBertScoring(new RemBertScoringSettings
            {
                Device = arguments.Device, Precision = arguments.Precision, PrepackWeights = arguments.PrepackWeights ? true : null,
            });
        }
        catch (ArgumentException error)
        {
            // The library names the device and what is available; the server adds the flag it came from.
            throw new NotSupportedException($"--device {arguments.Device}: {error.Message.Replace(" (Parameter 'settings')", "")}", error);
        }
    }

    /// <summary>Takes a lease; false once the model is retired and every lease released (then use the current model).</summary>
    public bool TryAcquire()
    {
        int leases = Volatile.Read(ref _leases);
        while (leases > 0)
        {
            int seen = Interlocked.CompareExchange(ref _leases, leases + 1, leases);
            if (seen == leases)
                return true;
            leases = seen;
        }
        return false;
    }

    /// <summary>Returns a lease; the last one disposes the scorer (after its queue) and the model, in the background.</summary>
    public void Release()
    {
        if (Interlocked.Decrement(ref _leases) == 0)
            _ = DisposeAsync();
    }

    private async Task DisposeAsync()
    {
        try
        {
            await Scorer.DisposeAsync().ConfigureAwait(false);
            (_model as IDisposable)?.Dispose();
            // A reload is rare: collect now what only a finalizer frees (the library trims the C heap when it frees the
            // tensors), then once more, aggressively, so the GC also gives back the managed memory the old model's
            // objects held instead of keeping it for later allocations.
            GC.Collect();
            GC.WaitForPendingFinalizers();
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
            _logger.LogInformation("Disposed the model loaded from {Path} at {LoadedAt:O} (sha256 {Sha256}).", Path, LoadedAt, Sha256);
        }
        catch (Exception error)
        {
            _logger.LogError("Disposing the model loaded from {Path} failed: {Error}", Path, OneLine(error));
        }
        finally
        {
            _disposed.TrySetResult();
        }
    }

    /// <summary>An exception's messages (inner ones too, which name the zip entry at fault) on one line.</summary>
    public static string OneLine(Exception error)
    {
        var messages = new List<string>();
        for (var e = error; e is not null; e = e.InnerException)
        {
            string message = e.Message.ReplaceLineEndings(" ").Trim();
            if (!messages.Any(seen => seen.Contains(message, StringComparison.Ordinal)))
                messages.Add(message);
        }
        return string.Join(" ← ", messages);
    }
}
