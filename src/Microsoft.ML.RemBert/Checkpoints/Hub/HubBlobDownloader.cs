using System.Net;
using System.Security.Cryptography;

namespace Microsoft.ML.RemBert.Checkpoints.Hub;

/// <summary>
/// Downloads one blob into the cache: into <c>blobs/&lt;etag&gt;.incomplete</c>, resuming what an earlier attempt or
/// process left there with a <c>Range</c> request (and starting over when the server ignores it), retrying a cut
/// connection from where it stopped; then checks the size and, for an LFS file, the SHA-256 its etag names, and only
/// then renames it to <c>blobs/&lt;etag&gt;</c>. A corrupt download is deleted. A cancelled one keeps its
/// <c>.incomplete</c> file to resume (as huggingface_hub does); no blob is ever half-written.
/// Against a hostile or broken server: no byte past the announced size is read or written (a partial file larger than
/// it is deleted, never resumed), a body slower than <see cref="HubSettings.MinimumDownloadRate"/> is abandoned, and a
/// cache file that is a link (or lies under one) is refused rather than written through (<see cref="HubCacheGuard"/>).
/// </summary>
internal sealed class HubBlobDownloader
{
    private const int MaxAttempts = 5;
    private const int BufferBytes = 1 << 20;
    private const int ProgressStepBytes = 1 << 20; // socket reads are often 16 KB: a report per read would flood a UI
    private static readonly TimeSpan RetryDelay = TimeSpan.FromMilliseconds(200);

    private readonly HubHttp _http;
    private readonly HubCacheRepository _cache;
    private readonly HubErrors _errors;
    private readonly HubSettings _settings;
    private readonly IProgress<RemBertDownloadProgress>? _progress;
    private readonly Action<string>? _log;

    public HubBlobDownloader(HubHttp http, HubCacheRepository cache, HubErrors errors, HubSettings settings,
        IProgress<RemBertDownloadProgress>? progress, Action<string>? log)
    {
        _http = http;
        _cache = cache;
        _errors = errors;
        _settings = settings;
        _progress = progress;
        _log = log;
    }

    /// <summary>Makes sure <c>blobs/&lt;etag&gt;</c> holds <paramref name="fileName"/>'s verified content.</summary>
    public async Task DownloadAsync(string fileName, HubFileMetadata file, CancellationToken cancellationToken)
    {
        string blob = _cache.BlobPath(file.Etag);
        if (ReuseCachedBlob(fileName, file, blob)) return;
        Directory.CreateDirectory(Path.GetDirectoryName(blob)!);
        string incomplete = blob + ".incomplete";
        using var fileLock = await HubFileLock.AcquireAsync(_cache.LockPath(file.Etag), incomplete, _settings.LockTimeout, _errors,
            _cache.CacheDirectory, fileName, _log, cancellationToken).ConfigureAwait(false);
        if (ReuseCachedBlob(fileName, file, blob)) return; // another process finished it while we waited
        HubCacheGuard.RequireWritable(_errors, _cache.CacheDirectory, fileName, incomplete);
        HubCacheGuard.RequireWritable(_errors, _cache.CacheDirectory, fileName, blob);
        for (int attempt = 1; ; attempt++)
        {
            try
            {
                await DownloadAttemptAsync(fileName, file, incomplete, cancellationToken).ConfigureAwait(false);
                break;
            }
            catch (Exception e) when (IsTransient(e, cancellationToken) && attempt < MaxAttempts)
            {
                _log?.Invoke($"Download of '{fileName}' interrupted ({_errors.Scrub(e.Message)}); retrying from byte {LengthOf(incomplete)} (attempt {attempt + 1} of {MaxAttempts}).");
                await Task.Delay(RetryDelay * attempt, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (IsTransient(e, cancellationToken))
            {
                throw e as HubUnreachableException ?? new HubUnreachableException(
                    $"the download of '{fileName}' failed {MaxAttempts} times ({_errors.Scrub(e.Message)}); the partial file '{incomplete}' is kept and resumed by the next attempt", e);
            }
        }
        Verify(fileName, file, incomplete, cancellationToken);
        File.Move(incomplete, blob, overwrite: true);
    }

    private async Task DownloadAttemptAsync(string fileName, HubFileMetadata file, string incomplete, CancellationToken cancellationToken)
    {
        long have = LengthOf(incomplete);
        if (have > file.Size)
        {
            File.Delete(incomplete);
            have = 0;
        }
        if (have == file.Size && have > 0) return; // complete, only the check and the rename were missing

        if (have > 0) _log?.Invoke($"Resuming '{fileName}' of '{_cache.RepoId}' at byte {have} of {file.Size}.");
        else _log?.Invoke($"Downloading '{fileName}' of '{_cache.RepoId}' ({file.Size} bytes).");
        using var response = await _http.GetAsync(file.DownloadUri, fileName, have, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.RequestedRangeNotSatisfiable)
        {
            File.Delete(incomplete);
            throw new IOException($"the server refused to resume at byte {have}");
        }
        if (have > 0 && (response.StatusCode != HttpStatusCode.PartialContent || response.Content.Headers.ContentRange?.From != have))
        {
            _log?.Invoke($"The server sent '{fileName}' from the start instead of from byte {have}; starting over.");
            have = 0;
        }
        CheckAnnouncedLength(fileName, file, response, have, incomplete);

        using var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        HubCacheGuard.RequireWritable(_errors, _cache.CacheDirectory, fileName, incomplete); // again, right before the open
        using var output = OpenIncomplete(fileName, incomplete, append: have > 0);
        using var readTimeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var buffer = new byte[BufferBytes];
        long done = have, reported = have;
        var rate = new DownloadRateCheck(_settings.MinimumDownloadRate, _settings.MinimumDownloadRateWindow, done);
        // Never a byte past the announced size: a server that sends more (or without end) is cut off there, and the
        // check of the hash (or the next read's end) decides; the partial file can never outgrow the file.
        while (done < file.Size)
        {
            readTimeout.CancelAfter(_settings.Timeout); // re-armed before every read: a stalled connection fails; a trickle fails on the rate
            int read;
            try
            {
                read = await body.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, file.Size - done)), readTimeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
            {
                throw new IOException($"no data for {_settings.Timeout.TotalSeconds:0.#} s", e);
            }
            if (read == 0) break;
            await output.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
            done += read;
            if (rate.TooSlow(done) is { } slow)
            {
                await output.FlushAsync(cancellationToken).ConfigureAwait(false);
                throw _errors.TooSlow(fileName, slow.Bytes, slow.Window, _settings.MinimumDownloadRate, incomplete);
            }
            if (done - reported >= ProgressStepBytes || done == file.Size)
            {
                _progress?.Report(new RemBertDownloadProgress(fileName, done, file.Size));
                reported = done;
            }
        }
        await output.FlushAsync(cancellationToken).ConfigureAwait(false);
        if (done < file.Size) throw new IOException($"the connection ended at byte {done} of {file.Size}");
    }

    /// <summary>
    /// Whether the blob the etag names is already cached. Blobs are shared by etag (content addressing, as in
    /// huggingface_hub), so a server that gives two files one etag would get the second linked to the first's bytes: a
    /// cached blob of another size than announced is refused rather than reused.
    /// </summary>
    private bool ReuseCachedBlob(string fileName, HubFileMetadata file, string blob)
    {
        if (!File.Exists(blob)) return false;
        long length = new FileInfo(blob).Length;
        if (length != file.Size)
            throw _errors.Unexpected(fileName, $"its ETag '{file.Etag}' names a cached blob of {length} bytes, but {file.Size} bytes were announced for it");
        return true;
    }

    /// <summary>The size the Hub announced and, for an LFS file, the SHA-256 its etag is; a mismatch deletes the file.</summary>
    private void Verify(string fileName, HubFileMetadata file, string incomplete, CancellationToken cancellationToken)
    {
        string? problem = null;
        long length = LengthOf(incomplete);
        if (length != file.Size)
            problem = $"{length} bytes arrived where the Hub announced {file.Size}";
        else if (file.EtagIsSha256)
        {
            cancellationToken.ThrowIfCancellationRequested();
            string actual;
            using (var stream = new FileStream(incomplete, FileMode.Open, FileAccess.Read, FileShare.Read, BufferBytes))
                actual = Convert.ToHexStringLower(SHA256.HashData(stream));
            if (!actual.Equals(file.Etag, StringComparison.OrdinalIgnoreCase))
                problem = $"its SHA-256 is {actual} where the Hub announced {file.Etag}";
        }
        if (problem is null) return;
        File.Delete(incomplete);
        throw _errors.Corrupt(fileName, problem);
    }

    /// <summary>
    /// A body the server itself announces as longer than the rest of the file, or a range of a file of another size, is
    /// refused before a byte of it is read (a chunked body has no length: it is cut off at the announced size instead).
    /// </summary>
    private void CheckAnnouncedLength(string fileName, HubFileMetadata file, HttpResponseMessage response, long have, string incomplete)
    {
        string? problem = null;
        if (response.Content.Headers.ContentLength is { } length && length > file.Size - have)
            problem = $"the server announced a body of {length} bytes where {file.Size - have} remain of the {file.Size} the Hub announced";
        else if (response.StatusCode == HttpStatusCode.PartialContent && response.Content.Headers.ContentRange?.Length is { } total && total != file.Size)
            problem = $"the server sent a range of a {total}-byte file where the Hub announced {file.Size} bytes";
        if (problem is null) return;
        File.Delete(incomplete);
        throw _errors.Corrupt(fileName, problem);
    }

    /// <summary>The partial file, opened for writing; a failure to open it is the cache's problem, named, and not retried.</summary>
    private FileStream OpenIncomplete(string fileName, string incomplete, bool append)
    {
        try
        {
            return new FileStream(incomplete, append ? FileMode.Append : FileMode.Create, FileAccess.Write, FileShare.None, BufferBytes);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw _errors.CacheRefused(fileName, incomplete, $"cannot be written ({e.Message})", e);
        }
    }

    private static bool IsTransient(Exception e, CancellationToken cancellationToken) =>
        !cancellationToken.IsCancellationRequested && e is HubUnreachableException or HttpRequestException or IOException
        && e is not RemBertHubException;

    private static long LengthOf(string path) => File.Exists(path) ? new FileInfo(path).Length : 0;
}
