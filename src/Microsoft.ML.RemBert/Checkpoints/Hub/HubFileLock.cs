namespace Microsoft.ML.RemBert.Checkpoints.Hub;

/// <summary>
/// An exclusive lock on a file under the cache's <c>.locks/</c>, so two processes never download the same blob at once.
/// On Linux and macOS .NET takes it with flock, as Python's filelock does, so it also excludes huggingface_hub.
/// </summary>
internal static class HubFileLock
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(100);

    /// <summary>Waits until the lock at <paramref name="path"/> is free, then holds it until the result is disposed.</summary>
    public static async Task<IDisposable> AcquireAsync(string path, Action<string>? log, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        for (bool announced = false; ; announced = true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (!cancellationToken.IsCancellationRequested)
            {
                if (!announced) log?.Invoke($"Waiting for another process downloading the same file (lock '{path}').");
                await Task.Delay(PollInterval, cancellationToken).ConfigureAwait(false);
            }
        }
    }
}
