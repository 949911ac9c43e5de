using System.Text;
using Microsoft.ML.RemBert.Checkpoints.Hub;
using Microsoft.ML.RemBert.Tests.Checkpoints.Hub;
using Xunit;

namespace Microsoft.ML.RemBert.Tests.Hostile;

/// <summary>
/// Fuzzes the Hub's response headers (issue 20): ETag, X-Linked-Etag, Location, X-Repo-Commit, X-Linked-Size,
/// Content-Length and Content-Range, one mutated per resolve against the loopback Hub, a fixed number of seeded
/// mutations (not a time budget, so every run tests the same cases). Contract: the resolve succeeds with the true bytes
/// in the snapshot, or fails with a <see cref="RemBertHubException"/> whose message is one line; nothing else escapes,
/// nothing hangs, and no file outside the cache changes. A failure names the seed and the mutation
/// (REMBERT_FUZZ_SEED reruns another base seed).
/// </summary>
public class HubHeaderFuzzTests
{
    private const int Mutations = 120;
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);
    private static readonly string[] Headers = ["ETag", "X-Linked-Etag", "Location", "X-Repo-Commit", "X-Linked-Size", "Content-Length", "Content-Range"];

    [Trait("Category", "Slow")]
    [Fact]
    public void EveryMutatedHeaderEndsInSuccessOrAOneLineHubError()
    {
        int baseSeed = int.TryParse(Environment.GetEnvironmentVariable("REMBERT_FUZZ_SEED"), out var seed) ? seed : 11;
        var failures = new List<string>();
        int refused = 0, succeeded = 0;
        using var outside = new HubHostileServerTests.Outside();
        for (int iteration = 0; iteration < Mutations && failures.Count < 5; iteration++)
        {
            var random = new Random(baseSeed + iteration);
            string header = Headers[random.Next(Headers.Length)];
            bool onGet = random.Next(3) == 0; // the download's answer, else the metadata request's
            string value = Value(random, header);
            string where = $"seed {baseSeed + iteration} (REMBERT_FUZZ_SEED={baseSeed}, iteration {iteration}): {(onGet ? "GET" : "HEAD")} {header}: {Printable(value)}";

            using var hub = new FakeHub();
            hub.Hostile = (request, answer) => (request.Method == "GET") == onGet && (header != "Location" || answer.Status == 302 || onGet)
                ? HubHostileServerTests.WithHeader(answer, header, value)
                : answer;
            using var cache = new HubTestCache();
            var options = cache.Options(hub.Endpoint);
            options.Timeout = TimeSpan.FromSeconds(5);
            string? snapshot = null;
            var resolve = Task.Run(() => snapshot = RemBertModelSource.Resolve(FakeHub.RepoId, options));
            if (!((IAsyncResult)resolve).AsyncWaitHandle.WaitOne(Deadline))
            {
                failures.Add($"{where}\n  -> did not end within {Deadline}");
                break;
            }
            if (resolve.IsCompletedSuccessfully)
            {
                succeeded++;
                // A lie about a small file's etag (a git sha1, which huggingface_hub does not check either) can link it to
                // another cached blob of the same size; any other success must have the true bytes.
                bool etagLie = header is "ETag" or "X-Linked-Etag";
                foreach (var (name, content) in hub.Files)
                {
                    byte[] cached = File.ReadAllBytes(Path.Combine(snapshot!, name));
                    if (etagLie ? cached.Length != content.Length : !content.AsSpan().SequenceEqual(cached))
                        failures.Add($"{where}\n  -> succeeded with wrong bytes in {name}");
                }
            }
            else if (resolve.Exception!.InnerException is RemBertHubException error && !error.Message.Contains('\n') && error.Message.Length > 0)
                refused++;
            else
                failures.Add($"{where}\n  -> {resolve.Exception!.InnerException}");
        }
        outside.AssertUnchanged();

        Assert.True(failures.Count == 0, string.Join("\n", failures));
        Assert.True(refused > 0 && succeeded > 0, $"{refused} refused and {succeeded} succeeded of {Mutations}: the mutations do not exercise both outcomes");
    }

    /// <summary>A hostile value for <paramref name="header"/>: plausible, off by one, huge, negative, another scheme, garbage.</summary>
    private static string Value(Random random, string header)
    {
        string[] common =
        [
            "", " ", "\t", "\"\"", "W/\"\"", new string('a', random.Next(200, 3000)), RandomText(random, random.Next(1, 80)),
            "-1", "0", "18446744073709551616", "9223372036854775807", "1e9", "0x10", "../../../etc/passwd", "..", "/", "%00", "a\u0000b",
        ];
        string[] specific = header switch
        {
            "ETag" or "X-Linked-Etag" => ["\"" + new string('f', 64) + "\"", "\"" + new string('0', 40) + "\"", "W/\"abc\"", "\"a/b\"", "\".hidden\"", "\"" + new string('e', 129) + "\""],
            "Location" => ["file:///etc/passwd", "ftp://127.0.0.1/x", "gopher://127.0.0.1:70/1", "//127.0.0.1:1/x", "/cdn/", "http://", "http://[::1", "https://127.0.0.1:1/x", "javascript:alert(1)", "data:,x"],
            "X-Repo-Commit" => [new string('0', 40), new string('g', 40), new string('a', 39), new string('a', 41), "main", "../refs/main"],
            "X-Linked-Size" or "Content-Length" => ["1", "2999", "3000", "3001", "499", "500", "501", "4294967296", "+5", " 5", "5 5"],
            _ => ["bytes 0-2999/3000", "bytes 0-0/1", "bytes 100-2999/3000", "bytes */3000", "bytes 0-2999/999999999999", "bytes 5-1/3000", "items 0-1/2"],
        };
        return random.Next(2) == 0 ? specific[random.Next(specific.Length)] : common[random.Next(common.Length)];
    }

    /// <summary>Printable Latin-1 and tabs: what an HTTP/1.1 header line can carry (no CR or LF, which would split the response).</summary>
    private static string RandomText(Random random, int length)
    {
        var text = new StringBuilder(length);
        for (int i = 0; i < length; i++)
        {
            int c = random.Next(3) == 0 ? random.Next(0xA0, 0x100) : random.Next(0x20, 0x7F);
            text.Append(random.Next(20) == 0 ? '\t' : (char)c);
        }
        return text.ToString();
    }

    private static string Printable(string value) =>
        value.Length > 120 ? $"{Escape(value[..120])}... ({value.Length} characters)" : Escape(value);

    private static string Escape(string value) => string.Concat(value.Select(c => c < 0x20 ? $"\\x{(int)c:X2}" : c.ToString()));
}
