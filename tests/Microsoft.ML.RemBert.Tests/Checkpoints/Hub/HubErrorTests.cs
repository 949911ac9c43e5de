using Microsoft.ML.RemBert.Checkpoints.Hub;
using Microsoft.ML.RemBert.Tests.Infrastructure;
using Xunit;

namespace Microsoft.ML.RemBert.Tests.Checkpoints.Hub;

/// <summary>What a resolve says when the Hub refuses, lacks a file, or sends corrupt bytes, and that it never shows the token.</summary>
public class HubErrorTests
{
    private const string Token = "hf_SeCrEtToKeN0123456789abcdef";

    [Fact]
    public void AGatedRepositoryWithoutATokenSaysToSetHfToken()
    {
        using var hub = new FakeHub { RequiredToken = Token };
        using var cache = new HubTestCache();

        var error = Assert.Throws<RemBertHubException>(() => RemBertModelSource.Resolve(FakeHub.RepoId, cache.Options(hub.Endpoint)));

        Assert.Equal(401, error.StatusCode);
        Assert.Contains("gated or private", error.Message);
        Assert.Contains("No token was sent: set HF_TOKEN", error.Message);
        Assert.Contains(FakeHub.RepoId, error.Message);
        Assert.False(Directory.Exists(Path.Combine(cache.RepoFolder, "refs")));
    }

    [Fact]
    public void AMissingRequiredFileIsAnErrorNamingIt()
    {
        using var hub = new FakeHub();
        hub.Files.Remove("config.json");
        using var cache = new HubTestCache();

        var error = Assert.Throws<RemBertHubException>(() => RemBertModelSource.Resolve(FakeHub.RepoId, cache.Options(hub.Endpoint)));

        Assert.Equal(404, error.StatusCode);
        Assert.Equal("config.json", error.FileName);
        Assert.Contains($"{hub.Endpoint}/{FakeHub.RepoId}/resolve/main/config.json", error.Message);
    }

    [Fact]
    public void ARepositoryWithoutWeightsNamesTheFilesItLookedFor()
    {
        using var hub = new FakeHub();
        hub.Files.Remove("model.safetensors");
        using var cache = new HubTestCache();

        var error = Assert.Throws<RemBertHubException>(() => RemBertModelSource.Resolve(FakeHub.RepoId, cache.Options(hub.Endpoint)));

        Assert.Contains("none of the weights files", error.Message);
        Assert.Contains("pytorch_model.bin", error.Message);
    }

    [Fact]
    public void AMissingOptionalFileIsFineAndRecordedSoTheNextResolveAsksNothing()
    {
        using var hub = new FakeHub();
        hub.Files.Remove("sentencepiece.model");
        using var cache = new HubTestCache();

        string snapshot = RemBertModelSource.Resolve(FakeHub.RepoId, cache.Options(hub.Endpoint));
        int requests = hub.Requests.Count;
        RemBertModelSource.Resolve(FakeHub.RepoId, cache.Options(hub.Endpoint));

        Assert.False(File.Exists(Path.Combine(snapshot, "sentencepiece.model")));
        Assert.True(File.Exists(Path.Combine(cache.RepoFolder, ".no_exist", FakeHub.Commit, "sentencepiece.model")));
        Assert.Equal(requests, hub.Requests.Count);
    }

    [Fact]
    public void AnUnknownRepositoryOrRevisionIsNamed()
    {
        using var hub = new FakeHub();
        using var cache = new HubTestCache();

        var repository = Assert.Throws<RemBertHubException>(() => RemBertModelSource.Resolve("google/no-such-model", cache.Options(hub.Endpoint)));
        var options = cache.Options(hub.Endpoint);
        options.Revision = "v9";
        var revision = Assert.Throws<RemBertHubException>(() => RemBertModelSource.Resolve(FakeHub.RepoId, options));

        Assert.Contains("'google/no-such-model'", repository.Message);
        Assert.Contains("not an existing local directory either", repository.Message);
        Assert.Contains("Revision 'v9'", revision.Message);
    }

    [Fact]
    public void ACorruptDownloadIsDeletedAndReportedNamingTheFile()
    {
        using var hub = new FakeHub();
        hub.Corrupt.Add("model.safetensors");
        using var cache = new HubTestCache();

        var error = Assert.Throws<RemBertHubException>(() => RemBertModelSource.Resolve(FakeHub.RepoId, cache.Options(hub.Endpoint)));

        Assert.Equal("model.safetensors", error.FileName);
        Assert.Contains("corrupt", error.Message);
        Assert.Contains(hub.Etag("model.safetensors"), error.Message);
        Assert.False(File.Exists(cache.Blob(hub.Etag("model.safetensors"))));
        Assert.False(File.Exists(cache.Blob(hub.Etag("model.safetensors")) + ".incomplete"));
        Assert.False(File.Exists(Path.Combine(cache.Snapshot, "model.safetensors")));
        Assert.False(File.Exists(Path.Combine(cache.RepoFolder, "refs", "main")));
    }

    [Theory]
    [InlineData("")]
    [InlineData("./no-such-rembert")]
    [InlineData("google/rembert/extra")]
    [InlineData("-google/rembert")]
    [InlineData("google--rembert")]
    [InlineData("google/rembert.git")]
    [InlineData("C:\\models\\rembert")]
    public void AValueThatIsNeitherADirectoryNorAHubIdIsRejectedByName(string model)
    {
        var error = Assert.Throws<ArgumentException>(() => RemBertModelSource.Resolve(model, new RemBertHubOptions { Offline = true }));

        Assert.Contains($"'{model}' is neither an existing directory nor a Hugging Face Hub id", error.Message);
    }

    [Fact]
    public void AFileIsNotMistakenForAHubId()
    {
        using var directory = new TemporaryDirectory();
        File.WriteAllText(directory.File("sentencepiece.model"), "");

        var error = Assert.Throws<ArgumentException>(() => RemBertModelSource.Resolve(directory.File("sentencepiece.model")));

        Assert.Contains("sentencepiece.model' is a file", error.Message);
    }

    [Fact]
    public void TheTokenNeverAppearsInAMessageOrLogLine()
    {
        var messages = new List<string>();
        using var cache = new HubTestCache();
        void Capture(Action resolve)
        {
            try { resolve(); }
            catch (Exception e) { for (var inner = e; inner is not null; inner = inner.InnerException) messages.Add(inner.ToString()); }
        }

        using (var hub = new FakeHub { RequiredToken = Token, EchoAuthorization = true }) // a refusal that echoes the header
            Capture(() => RemBertModelSource.Resolve(FakeHub.RepoId, cache.Options(hub.Endpoint, token: Token + "x")));
        using (var hub = new FakeHub { RequiredToken = Token, CutOnceAfter = { ["model.safetensors"] = 100 }, Corrupt = { "sentencepiece.model" } })
            Capture(() => RemBertModelSource.Resolve(FakeHub.RepoId, cache.Options(hub.Endpoint, token: Token)));
        Capture(() => RemBertModelSource.Resolve(FakeHub.RepoId, cache.Options(ClosedPortEndpoint(), token: Token)));
        Capture(() => RemBertModelSource.Resolve("google/other", cache.Options(ClosedPortEndpoint(), token: Token, offline: true)));

        Assert.Equal(4, messages.Count(m => m.Contains(nameof(RemBertHubException))));
        Assert.Contains(messages, m => m.Contains("Received: Bearer ***"));
        Assert.All(messages.Concat(cache.Log), line => Assert.DoesNotContain(Token, line));
        Assert.NotEmpty(cache.Log);
    }

    /// <summary>An address nothing listens on: a port the system gave out and took back.</summary>
    internal static string ClosedPortEndpoint()
    {
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        int port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return $"http://127.0.0.1:{port}";
    }
}
