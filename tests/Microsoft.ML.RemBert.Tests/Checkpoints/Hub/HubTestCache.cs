using Microsoft.ML.RemBert.Checkpoints.Hub;
using Microsoft.ML.RemBert.Tests.Infrastructure;

namespace Microsoft.ML.RemBert.Tests.Checkpoints.Hub;

/// <summary>A temporary hub cache, the options that point a resolve at it and a <see cref="FakeHub"/>, and what it logged.</summary>
internal sealed class HubTestCache : IDisposable
{
    private readonly TemporaryDirectory _directory = new();

    public string Path => _directory.Path;

    public List<string> Log { get; } = new();

    public List<RemBertDownloadProgress> Progress { get; } = new();

    /// <summary>models--google--rembert-tiny.</summary>
    public string RepoFolder => System.IO.Path.Combine(Path, "models--google--rembert-tiny");

    public string Snapshot => System.IO.Path.Combine(RepoFolder, "snapshots", FakeHub.Commit);

    public string Blob(string etag) => System.IO.Path.Combine(RepoFolder, "blobs", etag);

    /// <summary>Options that touch nothing of the machine's own: this cache, <paramref name="endpoint"/>, an explicit offline flag and token.</summary>
    public RemBertHubOptions Options(string endpoint, string? token = null, bool offline = false) => new()
    {
        Endpoint = endpoint,
        CacheDirectory = Path,
        Offline = offline,
        Token = token ?? "",
        Log = line => { lock (Log) Log.Add(line); },
        Progress = new SynchronousProgress(p => { lock (Progress) Progress.Add(p); }),
        Timeout = TimeSpan.FromSeconds(60), // nothing here waits for a timeout; a loaded machine must not fail a test
    };

    public void Dispose() => _directory.Dispose();

    /// <summary>Reports on the calling thread (Progress&lt;T&gt; posts later, to the thread pool).</summary>
    private sealed class SynchronousProgress(Action<RemBertDownloadProgress> report) : IProgress<RemBertDownloadProgress>
    {
        public void Report(RemBertDownloadProgress value) => report(value);
    }
}
