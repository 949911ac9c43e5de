using System.Security.Cryptography;
using System.Text;
using Microsoft.ML.RemBert.Checkpoints.Hub;
using Xunit;

namespace Microsoft.ML.RemBert.Tests.Checkpoints.Hub;

/// <summary>Offline mode, an unreachable Hub, and a cache that Python's huggingface_hub filled.</summary>
public class HubOfflineTests
{
    [Fact]
    public void OfflineWithoutACachedSnapshotSaysWhatToDownloadAndWhere()
    {
        using var hub = new FakeHub();
        using var cache = new HubTestCache();

        var error = Assert.Throws<RemBertHubException>(() => RemBertModelSource.Resolve(FakeHub.RepoId, cache.Options(hub.Endpoint, offline: true)));

        Assert.Empty(hub.Requests);
        AssertSaysWhatToDownloadAndWhere(error, cache, "offline mode is on");
    }

    [Fact]
    public void AnUnreachableHubWithoutACachedSnapshotGivesTheSameOneError()
    {
        using var cache = new HubTestCache();

        var error = Assert.Throws<RemBertHubException>(() =>
            RemBertModelSource.Resolve(FakeHub.RepoId, cache.Options(HubErrorTests.ClosedPortEndpoint())));

        AssertSaysWhatToDownloadAndWhere(error, cache, "could not reach http://127.0.0.1:");
    }

    [Fact]
    public void OfflineOrUnreachableWithACachedSnapshotUsesIt()
    {
        using var cache = new HubTestCache();
        string downloaded;
        using (var hub = new FakeHub()) downloaded = RemBertModelSource.Resolve(FakeHub.RepoId, cache.Options(hub.Endpoint));

        Assert.Equal(downloaded, RemBertModelSource.Resolve(FakeHub.RepoId, cache.Options(HubErrorTests.ClosedPortEndpoint(), offline: true)));
        Assert.Equal(downloaded, RemBertModelSource.Resolve(FakeHub.RepoId, cache.Options(HubErrorTests.ClosedPortEndpoint())));
    }

    [Fact]
    public void ACacheLaidOutByHuggingFaceHubIsReusedWithoutRequests()
    {
        using var hub = new FakeHub();
        using var cache = new HubTestCache();
        // As huggingface_hub leaves it after AutoModel/AutoTokenizer.from_pretrained: blobs, refs/main, relative links,
        // and .no_exist markers for what the repository lacks.
        const string commit = "fedcba9876543210fedcba9876543210fedcba98";
        var files = new Dictionary<string, byte[]>
        {
            ["config.json"] = Encoding.UTF8.GetBytes("{\"model_type\": \"rembert\"}"),
            ["pytorch_model.bin"] = FakeHub.Bytes(400, seed: 5),
            ["sentencepiece.model"] = FakeHub.Bytes(300, seed: 6),
        };
        string snapshot = Path.Combine(cache.RepoFolder, "snapshots", commit);
        Directory.CreateDirectory(snapshot);
        Directory.CreateDirectory(Path.Combine(cache.RepoFolder, "blobs"));
        foreach (var (name, content) in files)
        {
            string etag = Convert.ToHexStringLower(SHA256.HashData(content));
            File.WriteAllBytes(cache.Blob(etag), content);
            File.CreateSymbolicLink(Path.Combine(snapshot, name), $"../../blobs/{etag}");
        }
        Directory.CreateDirectory(Path.Combine(cache.RepoFolder, ".no_exist", commit));
        foreach (var missing in new[] { "model.safetensors", "model.safetensors.index.json", "tokenizer_config.json" })
            File.WriteAllBytes(Path.Combine(cache.RepoFolder, ".no_exist", commit, missing), Array.Empty<byte>());
        Directory.CreateDirectory(Path.Combine(cache.RepoFolder, "refs"));
        File.WriteAllText(Path.Combine(cache.RepoFolder, "refs", "main"), commit);

        string resolved = RemBertModelSource.Resolve(FakeHub.RepoId, cache.Options(hub.Endpoint));

        Assert.Equal(snapshot, resolved);
        Assert.Empty(hub.Requests);
        Assert.Equal(files["pytorch_model.bin"], File.ReadAllBytes(Path.Combine(resolved, "pytorch_model.bin")));
    }

    [Fact]
    public void ACachedSnapshotWithoutItsTokenizerFetchesOnlyTheTokenizerFiles()
    {
        using var hub = new FakeHub();
        using var cache = new HubTestCache();
        RemBertModelSource.Resolve(FakeHub.RepoId, cache.Options(hub.Endpoint));
        File.Delete(Path.Combine(cache.Snapshot, "sentencepiece.model")); // as Python leaves it after AutoModel alone
        File.Delete(cache.Blob(hub.Etag("sentencepiece.model")));
        int before = hub.Requests.Count;

        string snapshot = RemBertModelSource.Resolve(FakeHub.RepoId, cache.Options(hub.Endpoint));

        var paths = hub.Requests.Skip(before).Select(r => r.Path).ToList();
        Assert.All(paths, path => Assert.True(path.EndsWith("sentencepiece.model") || path.EndsWith(hub.Etag("sentencepiece.model")), path));
        Assert.Equal(hub.Files["sentencepiece.model"], File.ReadAllBytes(Path.Combine(snapshot, "sentencepiece.model")));
    }

    private static void AssertSaysWhatToDownloadAndWhere(RemBertHubException error, HubTestCache cache, string reason)
    {
        Assert.Contains(reason, error.Message);
        Assert.Contains($"'{FakeHub.RepoId}' (revision 'main')", error.Message);
        foreach (var file in new[] { "config.json", "model.safetensors", "pytorch_model.bin", "sentencepiece.model", "tokenizer_config.json" })
            Assert.Contains(file, error.Message);
        Assert.Contains(cache.Path, error.Message);
        Assert.Contains("models--google--rembert-tiny", error.Message);
        Assert.Contains("pass that directory's path instead", error.Message);
    }
}
