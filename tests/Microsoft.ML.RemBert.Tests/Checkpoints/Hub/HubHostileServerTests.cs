using System.Text;
using Microsoft.ML.RemBert.Checkpoints.Hub;
using Microsoft.ML.RemBert.Tests.Infrastructure;
using Xunit;

namespace Microsoft.ML.RemBert.Tests.Checkpoints.Hub;

/// <summary>
/// A hostile Hub (or CDN) on 127.0.0.1 and links planted in a shared cache (issue 20): every attack ends in a one-line
/// <see cref="RemBertHubException"/> within seconds, and nothing outside the cache changes.
/// </summary>
public class HubHostileServerTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(90);

    [Fact]
    public void ALongEtagIsRefusedInOneLineInsteadOfHangingOnTheLock()
    {
        using var hub = new FakeHub { Hostile = (request, answer) => WithHeader(answer, request.Path.EndsWith("/config.json") ? "ETag" : null, '"' + new string('a', 300) + '"') };
        using var cache = new HubTestCache();
        using var outside = new Outside();

        var error = ResolveFails(hub, cache.Options(hub.Endpoint));

        Assert.Contains("the ETag is 300 characters long, more than the 128", error.Message);
        Assert.Equal("config.json", error.FileName);
        Assert.False(Directory.Exists(Path.Combine(cache.Path, ".locks")));
        outside.AssertUnchanged();
    }

    [Fact]
    public void ALockHeldByAnotherProcessWhoseDownloadDoesNotProgressEndsAtTheDeadline()
    {
        using var hub = new FakeHub();
        using var cache = new HubTestCache();
        string lockPath = Path.Combine(cache.Path, ".locks", "models--google--rembert-tiny", hub.Etag("model.safetensors") + ".lock");
        Directory.CreateDirectory(Path.GetDirectoryName(lockPath)!);
        using var held = new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None); // flock, as another process's
        var options = cache.Options(hub.Endpoint);
        options.LockTimeout = TimeSpan.FromSeconds(1);

        var error = ResolveFails(hub, options);

        Assert.Contains($"'{lockPath}' is held by another process", error.Message);
        Assert.Contains("has not progressed for", error.Message);
        Assert.DoesNotContain(hub.Requests, r => r.Method == "GET" && r.Path.EndsWith(hub.Etag("model.safetensors")));
    }

    [Fact]
    public void ALockFileThatCannotBeCreatedIsAnErrorAtOnceNotAWait()
    {
        using var hub = new FakeHub();
        using var cache = new HubTestCache();
        string lockPath = Path.Combine(cache.Path, ".locks", "models--google--rembert-tiny", hub.Etag("config.json") + ".lock");
        Directory.CreateDirectory(lockPath); // a directory where the lock file goes: it can never be created
        var options = cache.Options(hub.Endpoint);
        options.LockTimeout = TimeSpan.FromMinutes(10);
        var clock = System.Diagnostics.Stopwatch.StartNew();

        var error = ResolveFails(hub, options);

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"took {clock.Elapsed}");
        Assert.Contains($"'{lockPath}' is a directory, not a regular file", error.Message);
        Assert.DoesNotContain("held by another process", error.Message);
    }

    [Theory]
    [InlineData("file:///etc/passwd")]
    [InlineData("ftp://127.0.0.1/model.safetensors")]
    [InlineData("gopher://127.0.0.1:70/1")]
    public void ARedirectToAnotherSchemeIsRefusedInOneLine(string location)
    {
        using var hub = new FakeHub { Hostile = (request, answer) => answer.Status == 302 ? WithHeader(answer, "Location", location) : answer };
        using var cache = new HubTestCache();
        using var outside = new Outside();

        var error = ResolveFails(hub, cache.Options(hub.Endpoint));

        Assert.Contains($"a redirect to a '{new Uri(location).Scheme}:' address", error.Message);
        Assert.Contains("only http and https are followed", error.Message);
        Assert.Equal("model.safetensors", error.FileName);
        outside.AssertUnchanged();
    }

    [Fact]
    public void ARedirectOfTheCdnToAnotherSchemeIsRefusedInOneLine()
    {
        using var hub = new FakeHub();
        hub.Hostile = (request, answer) => request.Server == "cdn" ? new LoopbackResponse(302, [("Location", "gopher://127.0.0.1:70/1")], []) : answer;
        using var cache = new HubTestCache();

        var error = ResolveFails(hub, cache.Options(hub.Endpoint));

        Assert.Contains("a redirect to a 'gopher:' address", error.Message);
        Assert.False(File.Exists(cache.Blob(hub.Etag("model.safetensors"))));
    }

    [Fact]
    public void AProtocolRelativeRedirectOnTheMetadataRequestIsNotFollowedToAnotherOriginNorGivenTheToken()
    {
        const string token = "hf_token_for_the_hub_only";
        using var hub = new FakeHub { RequiredToken = token };
        hub.Hostile = (request, answer) => answer.Status == 302 && request.Path.EndsWith("/model.safetensors")
            ? WithHeader(answer, "Location", $"//{new Uri(hub.Cdn.BaseAddress).Authority}/cdn/{hub.Etag("model.safetensors")}")
            : answer;
        using var cache = new HubTestCache();

        string snapshot = RemBertModelSource.Resolve(FakeHub.RepoId, cache.Options(hub.Endpoint, token: token));

        Assert.DoesNotContain(hub.Requests, r => r.Server == "cdn" && r.Method == "HEAD");
        Assert.All(hub.Requests.Where(r => r.Server == "cdn"), r => Assert.Null(r.Header("Authorization")));
        Assert.Equal(hub.Files["model.safetensors"], File.ReadAllBytes(Path.Combine(snapshot, "model.safetensors")));
    }

    [Fact]
    public void AnEndlessBodyIsReadOnlyUpToTheAnnouncedSizeOnceAndNothingIsLeft()
    {
        long sent = 0;
        using var hub = new FakeHub();
        hub.Hostile = (request, answer) => request.Server == "cdn"
            ? new LoopbackResponse(200, [], [], WriteBody: stream => sent = WriteEndlessly(stream))
            : answer;
        using var cache = new HubTestCache();
        using var outside = new Outside();
        string etag = hub.Etag("model.safetensors");

        var error = ResolveFails(hub, cache.Options(hub.Endpoint));

        Assert.Contains("is corrupt", error.Message);
        Assert.Single(hub.Requests, r => r.Server == "cdn" && r.Method == "GET"); // refused, not retried five times
        Assert.False(File.Exists(cache.Blob(etag) + ".incomplete"));
        Assert.False(File.Exists(cache.Blob(etag)));
        Assert.True(sent < 64 << 20, $"the server got {sent} bytes out before the client hung up");
        outside.AssertUnchanged();
    }

    [Fact]
    public void ABodyAnnouncedLargerThanTheFileIsRefusedBeforeItIsRead()
    {
        using var hub = new FakeHub();
        hub.Hostile = (request, answer) => request.Server == "cdn"
            ? new LoopbackResponse(200, [("Content-Length", "300000000")], [], WriteBody: stream => WriteEndlessly(stream))
            : answer;
        using var cache = new HubTestCache();

        var error = ResolveFails(hub, cache.Options(hub.Endpoint));

        Assert.Contains("the server announced a body of 300000000 bytes where 3000 remain", error.Message);
        Assert.False(File.Exists(cache.Blob(hub.Etag("model.safetensors")) + ".incomplete"));
    }

    [Fact]
    public void APartialFileLargerThanTheAnnouncedSizeIsDeletedNotResumed()
    {
        using var hub = new FakeHub();
        using var cache = new HubTestCache();
        string etag = hub.Etag("model.safetensors");
        Directory.CreateDirectory(Path.GetDirectoryName(cache.Blob(etag))!);
        File.WriteAllBytes(cache.Blob(etag) + ".incomplete", new byte[5000]);

        string snapshot = RemBertModelSource.Resolve(FakeHub.RepoId, cache.Options(hub.Endpoint));

        var download = Assert.Single(hub.Requests, r => r.Method == "GET" && r.Path.EndsWith(etag));
        Assert.Null(download.Header("Range"));
        Assert.Equal(hub.Files["model.safetensors"], File.ReadAllBytes(Path.Combine(snapshot, "model.safetensors")));
    }

    [Fact]
    public void ATricklingBodyIsAbandonedBelowTheMinimumRateAndItsPartialFileKept()
    {
        using var hub = new FakeHub();
        hub.Hostile = (request, answer) => request.Server == "cdn"
            ? new LoopbackResponse(200, [], [], WriteBody: stream =>
            {
                for (int i = 0; i < 600; i++) // 1 byte every 50 ms: 20 bytes/s, for at most 30 s
                {
                    stream.WriteByte(0);
                    stream.Flush();
                    Thread.Sleep(50);
                }
            })
            : answer;
        using var cache = new HubTestCache();
        var options = cache.Options(hub.Endpoint);
        options.MinimumDownloadRate = 1000;
        options.MinimumDownloadRateWindow = TimeSpan.FromSeconds(1);
        var clock = System.Diagnostics.Stopwatch.StartNew();

        var error = ResolveFails(hub, options);

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"took {clock.Elapsed}");
        Assert.Contains("was abandoned", error.Message);
        Assert.Contains("below the minimum of 1000 bytes/s (RemBertHubOptions.MinimumDownloadRate)", error.Message);
        long kept = new FileInfo(cache.Blob(hub.Etag("model.safetensors")) + ".incomplete").Length;
        Assert.InRange(kept, 1, 200);
    }

    [Theory]
    [InlineData("incomplete")]
    [InlineData("refs")]
    [InlineData("lock")]
    public void ALinkPlantedInTheCacheIsRefusedNamingItAndItsTargetIsNotWritten(string planted)
    {
        using var hub = new FakeHub();
        using var cache = new HubTestCache();
        using var outside = new Outside();
        string etag = hub.Etag("config.json");
        string link = planted switch
        {
            "incomplete" => cache.Blob(etag) + ".incomplete",
            "refs" => Path.Combine(cache.RepoFolder, "refs", "main"),
            _ => Path.Combine(cache.Path, ".locks", "models--google--rembert-tiny", etag + ".lock"),
        };
        Directory.CreateDirectory(Path.GetDirectoryName(link)!);
        File.CreateSymbolicLink(link, outside.Victim);

        var error = ResolveFails(hub, cache.Options(hub.Endpoint));

        Assert.Contains($"'{link}' is a symbolic link (to '{outside.Victim}')", error.Message);
        outside.AssertUnchanged();
    }

    [Fact]
    public void ABlobsFolderLinkedOutsideTheCacheIsRefused()
    {
        using var hub = new FakeHub();
        using var cache = new HubTestCache();
        using var outside = new Outside();
        Directory.CreateDirectory(cache.RepoFolder);
        Directory.CreateSymbolicLink(Path.Combine(cache.RepoFolder, "blobs"), outside.Path);

        var error = ResolveFails(hub, cache.Options(hub.Endpoint));

        Assert.Contains($"lies under '{Path.Combine(cache.RepoFolder, "blobs")}', which is a symbolic link", error.Message);
        outside.AssertUnchanged();
    }

    [Fact]
    public void ARepositoryFolderLinkedToAnotherDiskStillServesItsCachedSnapshot()
    {
        using var hub = new FakeHub();
        using var cache = new HubTestCache();
        using var elsewhere = new TemporaryDirectory();
        RemBertModelSource.Resolve(FakeHub.RepoId, cache.Options(hub.Endpoint));
        string moved = Path.Combine(elsewhere.Path, "models--google--rembert-tiny");
        Directory.Move(cache.RepoFolder, moved);
        Directory.CreateSymbolicLink(cache.RepoFolder, moved);

        string snapshot = RemBertModelSource.Resolve(FakeHub.RepoId, cache.Options(hub.Endpoint, offline: true));

        Assert.Equal(hub.Files["model.safetensors"], File.ReadAllBytes(Path.Combine(snapshot, "model.safetensors")));
    }

    [Fact]
    public void ShardNamesUpTo255BytesAreCachedAndLongerOnesRefusedInOneLine()
    {
        string longest = "model-" + new string('x', 255 - "model-.safetensors".Length) + ".safetensors";
        Assert.Equal(255, Encoding.UTF8.GetByteCount(longest));
        using (var hub = ShardedHub(longest, "model-00002-of-00002.safetensors"))
        using (var cache = new HubTestCache())
        {
            string snapshot = RemBertModelSource.Resolve(FakeHub.RepoId, cache.Options(hub.Endpoint));

            Assert.Equal(hub.Files[longest], File.ReadAllBytes(Path.Combine(snapshot, longest)));
            Assert.Empty(Directory.GetFileSystemEntries(snapshot, ".tmp-*"));
        }

        string tooLong = "model-" + new string('y', 300) + ".safetensors";
        using (var hub = ShardedHub(tooLong, "model-00002-of-00002.safetensors"))
        using (var cache = new HubTestCache())
        {
            var error = ResolveFails(hub, cache.Options(hub.Endpoint));

            Assert.Contains($"has a name of {tooLong.Length} bytes, more than the 255 a file system allows", error.Message);
        }
    }

    /// <summary>Resolves, expecting a <see cref="RemBertHubException"/> with a one-line message before <see cref="Deadline"/> (not a hang).</summary>
    internal static RemBertHubException ResolveFails(FakeHub hub, RemBertHubOptions options)
    {
        var resolve = Task.Run(() => RemBertModelSource.Resolve(FakeHub.RepoId, options));
        Assert.True(((IAsyncResult)resolve).AsyncWaitHandle.WaitOne(Deadline), $"the resolve against {hub.Endpoint} did not end within {Deadline}");
        Assert.True(resolve.IsFaulted, "the resolve succeeded");
        var error = Assert.IsType<RemBertHubException>(Assert.Single(resolve.Exception!.InnerExceptions));
        Assert.DoesNotContain('\n', error.Message);
        return error;
    }

    private static FakeHub ShardedHub(string first, string second)
    {
        var hub = new FakeHub();
        hub.Files.Remove("model.safetensors");
        hub.Files[first] = FakeHub.Bytes(700, seed: 3);
        hub.Files[second] = FakeHub.Bytes(900, seed: 4);
        hub.Files["model.safetensors.index.json"] = Encoding.UTF8.GetBytes($"{{\"metadata\": {{}}, \"weight_map\": {{\"a\": \"{first}\", \"b\": \"{second}\"}}}}");
        return hub;
    }

    /// <summary>The answer with <paramref name="name"/>'s value replaced (or added); null: unchanged.</summary>
    internal static LoopbackResponse WithHeader(LoopbackResponse answer, string? name, string value) => name is null ? answer : answer with
    {
        Headers = answer.Headers.Where(h => !h.Name.Equals(name, StringComparison.OrdinalIgnoreCase)).Append((name, value)).ToList(),
    };

    /// <summary>Writes zeros until the client hangs up (or 1 GB); returns how many went out.</summary>
    private static long WriteEndlessly(Stream stream)
    {
        var chunk = new byte[64 << 10];
        long sent = 0;
        try
        {
            while (sent < 1L << 30)
            {
                stream.Write(chunk);
                sent += chunk.Length;
            }
        }
        catch (IOException)
        {
            // the client stopped reading and closed the connection
        }
        return sent;
    }

    /// <summary>A folder outside the cache with a file an attacker would like overwritten; asserts both stay as they were.</summary>
    internal sealed class Outside : IDisposable
    {
        private static readonly byte[] Content = Encoding.UTF8.GetBytes("export PATH=/usr/bin\n");
        private readonly TemporaryDirectory _directory = new();

        public Outside() => File.WriteAllBytes(Victim, Content);

        public string Path => _directory.Path;

        public string Victim => System.IO.Path.Combine(_directory.Path, "victim.rc");

        public void AssertUnchanged()
        {
            Assert.Equal(Content, File.ReadAllBytes(Victim));
            Assert.Equal([Victim], Directory.GetFileSystemEntries(_directory.Path));
        }

        public void Dispose() => _directory.Dispose();
    }
}
