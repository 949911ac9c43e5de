using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;

namespace Microsoft.ML.RemBert.Tests.Checkpoints.Hub;

/// <summary>
/// The Hugging Face Hub's file protocol on two loopback servers, the Hub and its CDN, as huggingface.co answers it:
/// <c>/{repo}/resolve/{revision}/{file}</c> answers a small file itself (200, ETag = its git blob sha1) and redirects an
/// LFS file (302 to the CDN, X-Linked-Etag = its sha256, X-Linked-Size), always with X-Repo-Commit; errors carry
/// X-Error-Code as the Hub's do. Knobs make it fail the ways the tests need; every request is recorded.
/// </summary>
internal sealed class FakeHub : IDisposable
{
    public const string RepoId = "google/rembert-tiny";
    public const string Commit = "0123456789abcdef0123456789abcdef01234567";

    private readonly ConcurrentQueue<LoopbackRequest> _requests = new();
    private readonly ConcurrentDictionary<string, bool> _cutDone = new();

    public FakeHub()
    {
        Hub = new LoopbackHttpServer("hub", Handle, _requests);
        Cdn = new LoopbackHttpServer("cdn", Handle, _requests);
    }

    public LoopbackHttpServer Hub { get; }

    public LoopbackHttpServer Cdn { get; }

    /// <summary>The repository's files (name → content); small deterministic defaults.</summary>
    public Dictionary<string, byte[]> Files { get; } = new()
    {
        ["config.json"] = Encoding.UTF8.GetBytes("{\"model_type\": \"rembert\"}"),
        ["model.safetensors"] = Bytes(3000, seed: 1),
        ["sentencepiece.model"] = Bytes(500, seed: 2),
        ["tokenizer_config.json"] = Encoding.UTF8.GetBytes("{\"do_lower_case\": false}"),
    };

    /// <summary>Answer 401 unless this token is sent as a bearer token.</summary>
    public string? RequiredToken { get; set; }

    /// <summary>The first download of these files stops after that many bytes (connection reset).</summary>
    public Dictionary<string, int> CutOnceAfter { get; } = new();

    /// <summary>Serve these files with one byte changed (their etag still announces the true SHA-256).</summary>
    public HashSet<string> Corrupt { get; } = new();

    /// <summary>Answer a Range request with the whole file (200), as some servers do.</summary>
    public bool IgnoreRange { get; set; }

    /// <summary>Put the Authorization header the Hub received into its X-Error-Message (a careless server).</summary>
    public bool EchoAuthorization { get; set; }

    /// <summary>The repository's former id: the Hub answers it with a relative redirect to the new one.</summary>
    public string? RenamedFrom { get; set; }

    /// <summary>
    /// Answers a request in place of the fake Hub when it returns a response (a hostile server's answer); it gets the
    /// request and the answer the Hub would give, to change or replace.
    /// </summary>
    public Func<LoopbackRequest, LoopbackResponse, LoopbackResponse>? Hostile { get; set; }

    public IReadOnlyList<LoopbackRequest> Requests => _requests.ToArray();

    public string Endpoint => Hub.BaseAddress;

    /// <summary>Files stored in LFS (redirected to the CDN, etag = sha256), as the Hub stores weights and tokenizer models.</summary>
    public static bool IsLfs(string file) => !file.EndsWith(".json", StringComparison.Ordinal);

    /// <summary>The blob name huggingface_hub gives the file: sha256 for LFS, the git blob sha1 otherwise.</summary>
    public string Etag(string file) => IsLfs(file) ? Sha256(Files[file]) : GitBlobSha1(Files[file]);

    public static string Sha256(byte[] content) => Convert.ToHexStringLower(SHA256.HashData(content));

    public static byte[] Bytes(int count, int seed)
    {
        var bytes = new byte[count];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    public void Dispose()
    {
        Hub.Dispose();
        Cdn.Dispose();
    }

    private static string GitBlobSha1(byte[] content) =>
        Convert.ToHexStringLower(SHA1.HashData(Encoding.ASCII.GetBytes($"blob {content.Length}\0").Concat(content).ToArray()));

    private LoopbackResponse Handle(LoopbackRequest request)
    {
        var answer = Answer(request);
        return Hostile is null ? answer : Hostile(request, answer);
    }

    private LoopbackResponse Answer(LoopbackRequest request)
    {
        if (request.Path.StartsWith("/cdn/", StringComparison.Ordinal))
        {
            string file = Files.Keys.Single(f => IsLfs(f) && Sha256(Files[f]) == request.Path["/cdn/".Length..]);
            return Content(request, file, Array.Empty<(string, string)>());
        }

        string prefix = $"/{RepoId}/resolve/";
        if (RenamedFrom is not null && request.Path.StartsWith($"/{RenamedFrom}/resolve/", StringComparison.Ordinal))
            return new LoopbackResponse(307, new[] { ("Location", prefix + request.Path[$"/{RenamedFrom}/resolve/".Length..]) }, Array.Empty<byte>());
        if (!request.Path.StartsWith(prefix, StringComparison.Ordinal))
            return Error(401, "RepoNotFound", "Repository not found");
        var rest = request.Path[prefix.Length..];
        string revision = rest[..rest.IndexOf('/')], name = rest[(rest.IndexOf('/') + 1)..];
        if (RequiredToken is not null && request.Header("Authorization") != $"Bearer {RequiredToken}")
            return Error(401, "GatedRepo", "Access to model " + RepoId + " is restricted." + (EchoAuthorization ? $" Received: {request.Header("Authorization")}" : ""));
        if (revision != "main" && revision != Commit)
            return Error(404, "RevisionNotFound", "Invalid rev id: " + revision);
        if (!Files.ContainsKey(name))
            return Error(404, "EntryNotFound", "Entry not found", ("X-Repo-Commit", Commit));

        var metadata = new List<(string, string)> { ("X-Repo-Commit", Commit) };
        if (!IsLfs(name))
        {
            metadata.Add(("ETag", $"\"{Etag(name)}\""));
            return Content(request, name, metadata);
        }
        metadata.Add(("X-Linked-Etag", $"\"{Etag(name)}\""));
        metadata.Add(("X-Linked-Size", Files[name].Length.ToString()));
        metadata.Add(("Location", $"{Cdn.BaseAddress}/cdn/{Etag(name)}"));
        return new LoopbackResponse(302, metadata, Array.Empty<byte>());
    }

    /// <summary>The file's bytes, honouring Range (unless told not to), corrupted or cut when told to.</summary>
    private LoopbackResponse Content(LoopbackRequest request, string file, IReadOnlyList<(string, string)> metadata)
    {
        byte[] content = Files[file].ToArray();
        if (Corrupt.Contains(file)) content[content.Length / 2] ^= 0xFF;
        int? cut = request.Method == "GET" && CutOnceAfter.TryGetValue(file, out var after) && _cutDone.TryAdd(file, true) ? after : null;
        var headers = metadata.ToList();
        if (request.Header("Range") is { } range && !IgnoreRange && request.Method == "GET")
        {
            int start = int.Parse(range["bytes=".Length..].TrimEnd('-'));
            headers.Add(("Content-Range", $"bytes {start}-{content.Length - 1}/{content.Length}"));
            return new LoopbackResponse(206, headers, content[start..], cut);
        }
        return new LoopbackResponse(200, headers, content, cut);
    }

    private static LoopbackResponse Error(int status, string code, string message, params (string, string)[] extra) =>
        new(status, new[] { ("X-Error-Code", code), ("X-Error-Message", message) }.Concat(extra).ToList(), Encoding.UTF8.GetBytes(message));
}
