using System.Diagnostics;
using MLNetPipelines.WebApi;
using Microsoft.ML.RemBert.Serving;

// The Web API consumption sample: serves a zip any of the four samples saves. See docs/serving.md.
ServeArguments arguments;
try
{
    arguments = ServeArguments.Parse(args);
}
catch (ArgumentException error)
{
    Console.Error.WriteLine($"error: {error.Message}");
    Console.Error.WriteLine(ServeArguments.Usage);
    return 2;
}

// Arguments are ours alone: ASP.NET Core's own command-line configuration would take --urls but refuse nothing.
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = [] });
builder.Logging.ClearProviders().AddSimpleConsole(options =>
{
    options.SingleLine = true;
    options.TimestampFormat = "HH:mm:ss.fff ";
});
// One line per request would drown the lines that matter (loads, reloads, failures); /metrics counts requests.
builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
builder.WebHost.UseUrls(arguments.Urls);
builder.WebHost.ConfigureKestrel(options => options.Limits.MaxRequestBodySize = RequestReader.MaxBodyBytes);
// SIGTERM / Ctrl+C: Kestrel stops accepting and in-flight requests get at most 10 s to finish.
builder.Services.Configure<HostOptions>(options => options.ShutdownTimeout = TimeSpan.FromSeconds(10));
var app = builder.Build();
var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("MLNetPipelines.WebApi");
var metrics = new ServingMetrics();

NativeHeap.UseMappingsForLargeBlocks(); // before the first model: see NativeHeap for why a reloading server needs it
ModelHost host;
try
{
    host = ModelHost.Start(arguments, metrics, logger);
}
catch (Exception error)
{
    Console.Error.WriteLine($"error: {error.Message}");
    return 1;
}
// Rendered once before listening: the first scrape then costs what the others cost instead of racing the first
// requests through first-call compilation (two bare 500s were seen there in CI clones, cause not found), and a renderer
// that cannot render stops the start rather than every scrape.
metrics.Render(host.Current);

// Errors of the prediction endpoints become one JSON {"error": "..."}; every request is counted and timed.
app.Use(async (context, next) =>
{
    string path = context.Request.Path.Value ?? "";
    if (path is not ("/predict" or "/predict/batch"))
    {
        await next(context);
        return;
    }
    long started = Stopwatch.GetTimestamp();
    int status;
    try
    {
        await next(context);
        status = context.Response.StatusCode;
    }
    catch (Exception) when (context.RequestAborted.IsCancellationRequested)
    {
        status = RequestReader.ClientDisconnected; // nobody to answer
    }
    catch (ApiException error)
    {
        status = error.Status;
        if (status != RequestReader.ClientDisconnected)
            await TryWriteErrorAsync(context, status, error.Message);
    }
    catch (RemBertOverloadedException error)
    {
        status = StatusCodes.Status503ServiceUnavailable;
        context.Response.Headers.RetryAfter = "1";
        await TryWriteErrorAsync(context, status, $"queue: {error.Message}");
    }
    catch (Exception error)
    {
        status = StatusCodes.Status500InternalServerError;
        logger.LogError("{Path} failed: {Error}", path, ServedModel.OneLine(error));
        await TryWriteErrorAsync(context, status, $"server: {ServedModel.OneLine(error)}");
    }
    metrics.ObserveRequest(path, status, Stopwatch.GetElapsedTime(started));
});

app.MapPost("/predict", async context =>
{
    using var document = await RequestReader.ReadJsonAsync(context);
    var model = host.Acquire();
    try
    {
        var row = RequestReader.ReadRow(document.RootElement, model.Rows);
        var output = await Score(model, row, "", context.RequestAborted);
        await ResponseWriter.WritePredictionAsync(context, model.Rows, output);
    }
    finally
    {
        model.Release();
    }
});

app.MapPost("/predict/batch", async context =>
{
    using var document = await RequestReader.ReadJsonAsync(context);
    var model = host.Acquire();
    try
    {
        var rows = RequestReader.ReadBatch(document.RootElement, model.Rows);
        // All rows are queued at once so they share batches; if the queue fills, the rows already queued leave it.
        using var abandon = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
        var predictions = new List<Task<object>>(rows.Count);
        try
        {
            for (int i = 0; i < rows.Count; i++)
                predictions.Add(Score(model, rows[i], $"[{i}].", abandon.Token));
            await Task.WhenAll(predictions);
        }
        catch (Exception)
        {
            await abandon.CancelAsync();
            await Task.WhenAll(predictions.Select(task => task.ContinueWith(_ => { }, TaskScheduler.Default)));
            // The first row's error in row order (a 503 overload error is thrown before any task exists).
            var failed = predictions.FirstOrDefault(task => task.IsFaulted);
            if (failed is not null)
                await failed;
            throw;
        }
        await ResponseWriter.WritePredictionsAsync(context, model.Rows, predictions.Select(task => task.Result));
    }
    finally
    {
        model.Release();
    }
});

app.MapGet("/health", context =>
{
    var model = host.Current;
    return ResponseWriter.WriteAsync(context, 200, writer =>
    {
        writer.WriteStartObject();
        writer.WriteString("status", "ok");
        writer.WriteString("model", model.Path);
        writer.WriteString("sha256", model.Sha256);
        writer.WriteString("loadedAt", model.LoadedAt);
        writer.WriteNumber("loadSeconds", Math.Round(model.LoadDuration.TotalSeconds, 3));
        writer.WriteString("task", model.Description.Task);
        writer.WriteString("device", model.Device);
        writer.WriteString("precision", model.Precision);
        writer.WriteBoolean("prepackedWeights", arguments.PrepackWeights);
        writer.WriteString("engine", arguments.Engine);
        if (arguments.Engine == "batching")
            writer.WriteNumber("concurrentBatches", arguments.ConcurrentBatches);
        writer.WriteStartArray("inputs");
        foreach (var input in model.Rows.Inputs)
        {
            writer.WriteStartObject();
            writer.WriteString("name", input.Name);
            writer.WriteString("type", input.ColumnType.ToString());
            writer.WriteBoolean("required", input.Required);
            writer.WriteEndObject();
        }
        writer.WriteEndArray();
        writer.WriteStartArray("outputs");
        foreach (var output in model.Rows.Outputs)
            writer.WriteStringValue(output.Name);
        writer.WriteEndArray();
        writer.WriteEndObject();
    });
});

app.MapGet("/metrics", async context =>
{
    string text;
    try
    {
        text = metrics.Render(host.Current);
    }
    catch (Exception error)
    {
        // A scrape that fails says why, to the scraper and in the log (with the stack: this is our fault, not the caller's).
        logger.LogError("/metrics failed: {Error}", error);
        await TryWriteErrorAsync(context, StatusCodes.Status500InternalServerError, $"server: {ServedModel.OneLine(error)}");
        return;
    }
    context.Response.ContentType = "text/plain; version=0.0.4; charset=utf-8";
    await context.Response.WriteAsync(text, context.RequestAborted);
});

await app.RunAsync();
// Kestrel has finished the in-flight requests (or given up after 10 s): score what is queued, free the model.
await host.DisposeAsync();
return 0;

// A row the model refuses (e.g. a question leaving no room for the context) fails only its request, with 422.
static async Task<object> Score(ServedModel model, object row, string where, CancellationToken cancellationToken)
{
    var prediction = model.Scorer.PredictAsync(row, cancellationToken);
    try
    {
        return await prediction;
    }
    catch (Exception error) when (error is not OperationCanceledException and not RemBertOverloadedException and not ObjectDisposedException)
    {
        throw new ApiException(StatusCodes.Status422UnprocessableEntity, $"{where}row: the model could not score this row: {ServedModel.OneLine(error)}");
    }
}

static async Task TryWriteErrorAsync(HttpContext context, int status, string message)
{
    if (context.Response.HasStarted)
        return;
    try
    {
        await ResponseWriter.WriteErrorAsync(context, status, message);
    }
    catch (Exception) when (context.RequestAborted.IsCancellationRequested)
    {
        // The client left while the error was written.
    }
}
