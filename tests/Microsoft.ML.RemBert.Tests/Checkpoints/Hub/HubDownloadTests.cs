using System.Text;
using Microsoft.ML.RemBert.Checkpoints.Hub;
using Microsoft.ML.RemBert.Tests.Infrastructure;
using Xunit;

namespace Microsoft.ML.RemBert.Tests.Checkpoints.Hub;

/// <summary>The download path against a loopback Hub: the huggingface_hub cache layout, reuse, resume, shards, redirects.</summary>
public class HubDownloadTests
{
    [Fact]
    public void DownloadsIntoTheHuggingFaceCacheLayout()
    {
        using var hub = new FakeHub();
        using var cache = new HubTestCache();

        string snapshot = RemBertModelSource.Resolve(FakeHub.RepoId, cache.Options(hub.Endpoint));

        Assert.Equal(cache.Snapshot, snapshot);
        Assert.Equal(FakeHub.Commit, File.ReadAllText(Path.Combine(cache.RepoFolder, "refs", "main"))); // no newline, as Python writes it
        foreach (var (name, content) in hub.Files)
        {
            var pointer = new FileInfo(Path.Combine(snapshot, name));
            Assert.Equal($"../../blobs/{hub.Etag(name)}", pointer.LinkTarget); // relative, as huggingface_hub makes them
            Assert.Equal(content, File.ReadAllBytes(cache.Blob(hub.Etag(name))));
            Assert.Equal(content, File.ReadAllBytes(pointer.FullName));
        }
        Assert.Equal(64, hub.Etag("model.safetensors").Length); // LFS blobs are named by sha256, small files by git sha1
        Assert.Equal(40, hub.Etag("config.json").Length);
        Assert.Empty(Directory.GetFiles(Path.Combine(cache.RepoFolder, "blobs"), "*.incomplete"));
        Assert.Contains(cache.Progress, p => p.FileName == "model.safetensors" && p.BytesDone == 3000 && p.TotalBytes == 3000);
        Assert.Contains(hub.Requests, r => r.Server == "cdn" && r.Path == $"/cdn/{hub.Etag("model.safetensors")}");
    }

    [Fact]
    public void TheSecondResolveUsesTheCacheWithoutAnyRequest()
    {
        using var hub = new FakeHub();
        using var cache = new HubTestCache();
        string first = RemBertModelSource.Resolve(FakeHub.RepoId, cache.Options(hub.Endpoint));
        int requests = hub.Requests.Count;

        string second = RemBertModelSource.Resolve(FakeHub.RepoId, cache.Options(hub.Endpoint));

        Assert.Equal(first, second);
        Assert.Equal(requests, hub.Requests.Count);
        Assert.Contains(cache.Log, line => line.Contains("from the cache"));
    }

    [Fact]
    public void ACutDownloadResumesWithARangeRequest()
    {
        using var hub = new FakeHub();
        hub.CutOnceAfter["model.safetensors"] = 1200;
        using var cache = new HubTestCache();

        string snapshot = RemBertModelSource.Resolve(FakeHub.RepoId, cache.Options(hub.Endpoint));

        var downloads = hub.Requests.Where(r => r.Server == "cdn" && r.Method == "GET" && r.Path.EndsWith(hub.Etag("model.safetensors"))).ToList();
        Assert.Equal(2, downloads.Count);
        Assert.Null(downloads[0].Header("Range"));
        Assert.Equal("bytes=1200-", downloads[1].Header("Range"));
        Assert.Equal(hub.Files["model.safetensors"], File.ReadAllBytes(Path.Combine(snapshot, "model.safetensors")));
        Assert.Contains(cache.Log, line => line.Contains("Resuming 'model.safetensors'") && line.Contains("byte 1200"));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void APartialFileFromAnEarlierRunIsResumedOrRestartedWhenTheServerIgnoresRange(bool serverIgnoresRange)
    {
        using var hub = new FakeHub { IgnoreRange = serverIgnoresRange };
        using var cache = new HubTestCache();
        string etag = hub.Etag("model.safetensors");
        Directory.CreateDirectory(Path.GetDirectoryName(cache.Blob(etag))!);
        File.WriteAllBytes(cache.Blob(etag) + ".incomplete", hub.Files["model.safetensors"][..1000]);

        string snapshot = RemBertModelSource.Resolve(FakeHub.RepoId, cache.Options(hub.Endpoint));

        var download = Assert.Single(hub.Requests, r => r.Method == "GET" && r.Path.EndsWith(etag));
        Assert.Equal("bytes=1000-", download.Header("Range"));
        Assert.Equal(hub.Files["model.safetensors"], File.ReadAllBytes(Path.Combine(snapshot, "model.safetensors")));
        Assert.False(File.Exists(cache.Blob(etag) + ".incomplete"));
        Assert.Equal(serverIgnoresRange, cache.Log.Any(line => line.Contains("starting over")));
    }

    [Fact]
    public void TheTokenGoesToTheHubButNotToTheCdn()
    {
        using var hub = new FakeHub { RequiredToken = "hf_test_token_for_gated_repo" };
        using var cache = new HubTestCache();

        RemBertModelSource.Resolve(FakeHub.RepoId, cache.Options(hub.Endpoint, token: "hf_test_token_for_gated_repo"));

        Assert.All(hub.Requests.Where(r => r.Server == "hub"), r => Assert.Equal("Bearer hf_test_token_for_gated_repo", r.Header("Authorization")));
        Assert.All(hub.Requests.Where(r => r.Server == "cdn"), r => Assert.Null(r.Header("Authorization")));
        Assert.Contains(hub.Requests, r => r.Server == "cdn");
    }

    [Fact]
    public void ARenamedRepositorysRelativeRedirectIsFollowedWithTheToken()
    {
        using var hub = new FakeHub { RenamedFrom = "google/old-name", RequiredToken = "hf_test_token_for_renamed_repo" };
        using var cache = new HubTestCache();

        string snapshot = RemBertModelSource.Resolve("google/old-name", cache.Options(hub.Endpoint, token: "hf_test_token_for_renamed_repo"));

        // Cached under the id asked for, as huggingface_hub does.
        Assert.Equal(Path.Combine(cache.Path, "models--google--old-name", "snapshots", FakeHub.Commit), snapshot);
        Assert.Equal(hub.Files["config.json"], File.ReadAllBytes(Path.Combine(snapshot, "config.json")));
        Assert.Contains(hub.Requests, r => r.Path.StartsWith($"/{FakeHub.RepoId}/") && r.Header("Authorization") == "Bearer hf_test_token_for_renamed_repo");
    }

    [Fact]
    public void FilesAfterConfigAreFetchedAtTheCommitMainResolvedTo()
    {
        using var hub = new FakeHub();
        using var cache = new HubTestCache();

        RemBertModelSource.Resolve(FakeHub.RepoId, cache.Options(hub.Endpoint));

        var resolves = hub.Requests.Where(r => r.Server == "hub").Select(r => r.Path).ToList();
        Assert.Equal($"/{FakeHub.RepoId}/resolve/main/config.json", resolves[0]);
        Assert.All(resolves.Skip(1), path => Assert.StartsWith($"/{FakeHub.RepoId}/resolve/{FakeHub.Commit}/", path));
    }

    [Fact]
    public void AShardedCheckpointIsFetchedWithEveryShardAndMissingLayoutsAreRecordedAsPythonDoes()
    {
        using var hub = new FakeHub();
        hub.Files.Remove("model.safetensors");
        hub.Files["model-00001-of-00002.safetensors"] = FakeHub.Bytes(700, seed: 3);
        hub.Files["model-00002-of-00002.safetensors"] = FakeHub.Bytes(900, seed: 4);
        hub.Files["model.safetensors.index.json"] = Encoding.UTF8.GetBytes(
            "{\"metadata\": {}, \"weight_map\": {\"a\": \"model-00001-of-00002.safetensors\", \"b\": \"model-00002-of-00002.safetensors\"}}");
        using var cache = new HubTestCache();

        string snapshot = RemBertModelSource.Resolve(FakeHub.RepoId, cache.Options(hub.Endpoint));

        foreach (var shard in new[] { "model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors" })
            Assert.Equal(hub.Files[shard], File.ReadAllBytes(Path.Combine(snapshot, shard)));
        Assert.True(File.Exists(Path.Combine(cache.RepoFolder, ".no_exist", FakeHub.Commit, "model.safetensors")));
        Assert.DoesNotContain(hub.Requests, r => r.Path.EndsWith("pytorch_model.bin"));
    }

    [Fact]
    public void AnExistingDirectoryIsReturnedAsItIs()
    {
        using var directory = new TemporaryDirectory();

        Assert.Equal(directory.Path, RemBertModelSource.Resolve(directory.Path, new RemBertHubOptions { Offline = true }));
    }
}
