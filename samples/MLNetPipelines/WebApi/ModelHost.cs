namespace MLNetPipelines.WebApi;

/// <summary>
/// The model being served and its hot reload. Requests lease the current model (<see cref="Acquire"/>); when the file
/// at <c>--model</c> is replaced (our saves rename a finished temporary file over it) the new zip is loaded beside the
/// old one, new requests switch to it, and the old one is disposed once its last in-flight request has finished. A
/// replacement that does not load (truncated, not a zip, another task's input columns) leaves the old model serving and
/// logs one line naming the file; it is tried again only when the file changes again.
/// </summary>
internal sealed class ModelHost : IAsyncDisposable
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan Settle = TimeSpan.FromMilliseconds(200);

    private readonly ServeArguments _arguments;
    private readonly ServingMetrics _metrics;
    private readonly ILogger _logger;
    private readonly FileSystemWatcher _watcher;
    private readonly SemaphoreSlim _changed = new(0);
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _reloads;
    private ServedModel _current;
    private (long Length, DateTime Written, DateTime Created) _seen;

    private ModelHost(ServeArguments arguments, ServingMetrics metrics, ILogger logger, ServedModel first)
    {
        (_arguments, _metrics, _logger, _current) = (arguments, metrics, logger, first);
        _seen = Fingerprint(arguments.ModelPath);
        _watcher = new FileSystemWatcher(Path.GetDirectoryName(arguments.ModelPath)!, Path.GetFileName(arguments.ModelPath))
        {
            NotifyFilter = NotifyFilters.FileName | NotifyFilters.LastWrite | NotifyFilters.Size | NotifyFilters.CreationTime,
        };
        _watcher.Created += (_, _) => Signal();
        _watcher.Changed += (_, _) => Signal();
        _watcher.Renamed += (_, _) => Signal();
        _watcher.EnableRaisingEvents = true;
        _reloads = Task.Run(WatchAsync);
    }

    /// <summary>Loads the zip at <c>--model</c> (throws one line naming the file when it does not load) and starts watching it.</summary>
    public static ModelHost Start(ServeArguments arguments, ServingMetrics metrics, ILogger logger)
    {
        var first = ServedModel.Load(arguments.ModelPath, arguments, metrics.ObserveBatch, logger);
        logger.LogInformation("Serving {Path} (sha256 {Sha256}, task {Task}, inputs {Inputs}) loaded in {Seconds:F2} s.",
            first.Path, first.Sha256, first.Description.Task, first.InputSignature, first.LoadDuration.TotalSeconds);
        return new ModelHost(arguments, metrics, logger, first);
    }

    /// <summary>The model new requests go to (for /health: no lease).</summary>
    public ServedModel Current => Volatile.Read(ref _current);

    /// <summary>A lease on the current model, to release when the request is done.</summary>
    public ServedModel Acquire()
    {
        while (true)
        {
            var model = Volatile.Read(ref _current);
            if (model.TryAcquire())
                return model;
            // Swapped out and released between the read and the lease: the next read sees the new model.
        }
    }

    private void Signal() => _changed.Release();

    private async Task WatchAsync()
    {
        var token = _stopping.Token;
        while (!token.IsCancellationRequested)
        {
            try
            {
                // Events are the fast path; polling catches what a watcher can miss (network file systems, overflow).
                await _changed.WaitAsync(PollInterval, token).ConfigureAwait(false);
                var seen = Fingerprint(_arguments.ModelPath);
                if (seen == _seen)
                    continue;
                await Task.Delay(Settle, token).ConfigureAwait(false);
                while (_changed.CurrentCount > 0) _changed.Wait(0);
                _seen = Fingerprint(_arguments.ModelPath);
                Reload();
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                return;
            }
            catch (Exception error)
            {
                _logger.LogError("Watching {Path} failed: {Error}", _arguments.ModelPath, ServedModel.OneLine(error));
            }
        }
    }

    private void Reload()
    {
        var old = Current;
        ServedModel fresh;
        try
        {
            fresh = ServedModel.Load(_arguments.ModelPath, _arguments, _metrics.ObserveBatch, _logger);
        }
        catch (Exception error)
        {
            _metrics.ReloadFailed();
            _logger.LogError("Reload failed, still serving the model loaded at {LoadedAt:O}: {Error}", old.LoadedAt, error.Message);
            return;
        }
        if (fresh.InputSignature != old.InputSignature)
        {
            _metrics.ReloadFailed();
            _logger.LogError("Reload failed, still serving the model loaded at {LoadedAt:O}: {Path}: its input columns ({New}) differ from the served model's ({Old}); restart the server to serve another task.",
                old.LoadedAt, fresh.Path, fresh.InputSignature, old.InputSignature);
            fresh.Release();
            return;
        }
        Volatile.Write(ref _current, fresh);
        old.Release();
        _metrics.Reloaded();
        _logger.LogInformation("Reloaded {Path} (sha256 {Sha256}, task {Task}) in {Seconds:F2} s; the previous model is disposed after its in-flight requests.",
            fresh.Path, fresh.Sha256, fresh.Description.Task, fresh.LoadDuration.TotalSeconds);
    }

    private static (long, DateTime, DateTime) Fingerprint(string path)
    {
        var info = new FileInfo(path);
        return info.Exists ? (info.Length, info.LastWriteTimeUtc, info.CreationTimeUtc) : (-1, default, default);
    }

    /// <summary>Stops watching, then retires the current model: its queued requests are scored before it is disposed.</summary>
    public async ValueTask DisposeAsync()
    {
        _stopping.Cancel();
        _watcher.Dispose();
        await _reloads.ConfigureAwait(false);
        var current = Current;
        current.Release();
        await current.Disposed.ConfigureAwait(false);
        _stopping.Dispose();
        _changed.Dispose();
    }
}
