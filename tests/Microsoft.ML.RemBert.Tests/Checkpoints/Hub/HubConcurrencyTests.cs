using Microsoft.ML.RemBert.Checkpoints.Hub;
using Xunit;

namespace Microsoft.ML.RemBert.Tests.Checkpoints.Hub;

/// <summary>Cancellation leaves nothing half-made in the cache; concurrent resolves download each blob once.</summary>
public class HubConcurrencyTests
{
    [Fact]
    public void ACancelledDownloadLeavesNoBlobNorSnapshotAndTheNextResolveCompletesIt()
    {
        using var hub = new FakeHub();
        hub.Files["model.safetensors"] = FakeHub.Bytes(3 << 20, seed: 7); // several reads, so cancellation lands mid-file
        using var cache = new HubTestCache();
        using var cancellation = new CancellationTokenSource();
        var options = cache.Options(hub.Endpoint);
        options.Progress = new CancelOnFirstReport(cancellation);

        Assert.ThrowsAny<OperationCanceledException>(() => RemBertModelSource.Resolve(FakeHub.RepoId, options, cancellation.Token));

        string etag = hub.Etag("model.safetensors");
        Assert.False(File.Exists(cache.Blob(etag)));
        Assert.False(File.Exists(Path.Combine(cache.Snapshot, "model.safetensors")));
        Assert.False(File.Exists(Path.Combine(cache.RepoFolder, "refs", "main")));

        string snapshot = RemBertModelSource.Resolve(FakeHub.RepoId, cache.Options(hub.Endpoint));

        Assert.Equal(hub.Files["model.safetensors"], File.ReadAllBytes(Path.Combine(snapshot, "model.safetensors")));
    }

    [Fact]
    public async Task ConcurrentResolvesDownloadEachBlobOnce()
    {
        using var hub = new FakeHub();
        using var cache = new HubTestCache();

        var snapshots = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ =>
            Task.Run(() => RemBertModelSource.ResolveAsync(FakeHub.RepoId, cache.Options(hub.Endpoint)))));

        Assert.All(snapshots, snapshot => Assert.Equal(cache.Snapshot, snapshot));
        foreach (var name in hub.Files.Keys)
        {
            Assert.Single(hub.Requests, r => r.Method == "GET" && (r.Path.EndsWith("/" + hub.Etag(name)) || r.Path.EndsWith("/" + name)));
            Assert.Equal(hub.Files[name], File.ReadAllBytes(Path.Combine(cache.Snapshot, name)));
        }
    }

    private sealed class CancelOnFirstReport(CancellationTokenSource cancellation) : IProgress<RemBertDownloadProgress>
    {
        public void Report(RemBertDownloadProgress value)
        {
            if (value.FileName == "model.safetensors") cancellation.Cancel();
        }
    }
}
