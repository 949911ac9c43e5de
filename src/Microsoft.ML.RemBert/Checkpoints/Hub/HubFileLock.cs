using System.Diagnostics;

namespace Microsoft.ML.RemBert.Checkpoints.Hub;

/// <summary>
/// An exclusive lock on a file under the cache's <c>.locks/</c>, so two processes never download the same blob at once.
/// On Linux and macOS .NET takes it with flock, as Python's filelock does, so it also excludes huggingface_hub (and a
/// process that dies releases it). A wait has a deadline: it ends when the holder's download has not progressed for
/// <see cref="HubSettings.LockTimeout"/>; a lock file that cannot be created at all is an error at once, not a wait.
/// </summary>
internal static class HubFileLock
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// Waits until the lock at <paramref name="path"/> is free, then holds it until the result is disposed. While it
    /// waits, <paramref name="progressFile"/> (the holder's partial download) growing counts as progress.
    /// </summary>
    /// <exception cref="RemBertHubException">The holder made no progress for <paramref name="timeout"/>, or the lock file cannot be created.</exception>
    public static async Task<IDisposable> AcquireAsync(string path, string progressFile, TimeSpan timeout, HubErrors errors, string cacheDirectory,
        string fileName, Action<string>? log, CancellationToken cancellationToken)
    {
        HubCacheGuard.RequireWritable(errors, cacheDirectory, fileName, path);
        var stalled = Stopwatch.StartNew();
        long lastSize = -1;
        for (bool announced = false; ; announced = true)
        {
            try
            {
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException e) when (IsHeldByAnother(e, path))
            {
                cancellationToken.ThrowIfCancellationRequested();
                long size = File.Exists(progressFile) ? new FileInfo(progressFile).Length : 0;
                if (size != lastSize)
                {
                    lastSize = size;
                    stalled.Restart();
                }
                else if (stalled.Elapsed >= timeout) throw errors.LockHeld(fileName, path, stalled.Elapsed);
                if (!announced) log?.Invoke($"Waiting for another process downloading the same file (lock '{path}').");
                await Task.Delay(PollInterval, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw errors.CacheRefused(fileName, path, $"cannot be created as a lock file ({e.Message})", e);
            }
        }
    }

    /// <summary>
    /// Only a plain IOException on a lock file that exists is another process's lock (flock's EWOULDBLOCK, Windows'
    /// sharing violation); a name too long, a missing or unwritable folder, a full disk are not worth waiting for.
    /// </summary>
    private static bool IsHeldByAnother(IOException e, string path) => e.GetType() == typeof(IOException) && File.Exists(path);
}
