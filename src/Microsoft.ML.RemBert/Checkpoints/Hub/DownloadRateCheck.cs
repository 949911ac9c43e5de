using System.Diagnostics;

namespace Microsoft.ML.RemBert.Checkpoints.Hub;

/// <summary>
/// Whether a body arrives at least at a minimum rate, measured over consecutive windows of a fixed length: the read
/// timeout alone re-arms on every read, so one byte every few seconds would never end. Not thread-safe (one per download).
/// </summary>
internal sealed class DownloadRateCheck
{
    private readonly long _minimumBytesPerSecond;
    private readonly TimeSpan _window;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private long _bytesAtWindowStart;

    /// <param name="minimumBytesPerSecond">The slowest rate accepted; 0: no check.</param>
    /// <param name="window">The time each measurement spans.</param>
    /// <param name="bytesSoFar">The bytes already there when the download starts (a resumed file).</param>
    public DownloadRateCheck(long minimumBytesPerSecond, TimeSpan window, long bytesSoFar)
    {
        _minimumBytesPerSecond = minimumBytesPerSecond;
        _window = window;
        _bytesAtWindowStart = bytesSoFar;
    }

    /// <summary>After a read that brought the total to <paramref name="bytesSoFar"/>: the last window's bytes and length if it was too slow, else null.</summary>
    public (long Bytes, TimeSpan Window)? TooSlow(long bytesSoFar)
    {
        if (_minimumBytesPerSecond == 0) return null;
        var elapsed = _clock.Elapsed;
        if (elapsed < _window) return null;
        long bytes = bytesSoFar - _bytesAtWindowStart;
        if (bytes < _minimumBytesPerSecond * elapsed.TotalSeconds) return (bytes, elapsed);
        _bytesAtWindowStart = bytesSoFar;
        _clock.Restart();
        return null;
    }
}
