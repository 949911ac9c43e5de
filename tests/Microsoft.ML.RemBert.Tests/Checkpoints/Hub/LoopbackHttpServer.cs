using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Microsoft.ML.RemBert.Tests.Checkpoints.Hub;

/// <summary>One request as the server saw it.</summary>
internal sealed record LoopbackRequest(string Server, string Method, string Path, IReadOnlyDictionary<string, string> Headers)
{
    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;
}

/// <summary>
/// What to answer; <see cref="CutAfter"/> sends only that many body bytes, then drops the connection. With
/// <see cref="WriteBody"/> the body is whatever it writes (endless, trickling) until it returns or the client leaves,
/// delimited by the connection's close; no Content-Length is added then, nor when <see cref="Headers"/> has one.
/// </summary>
internal sealed record LoopbackResponse(int Status, IReadOnlyList<(string Name, string Value)> Headers, byte[] Body, int? CutAfter = null,
    Action<Stream>? WriteBody = null);

/// <summary>
/// A minimal HTTP/1.1 server on 127.0.0.1 and a free port, for tests of the download code that must never touch the
/// internet. One request per connection (it answers <c>Connection: close</c>), so a cut is a real dropped connection.
/// </summary>
internal sealed class LoopbackHttpServer : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly Func<LoopbackRequest, LoopbackResponse> _handle;
    private readonly ConcurrentQueue<LoopbackRequest> _requests;
    private readonly CancellationTokenSource _stop = new();
    private readonly string _name;

    public LoopbackHttpServer(string name, Func<LoopbackRequest, LoopbackResponse> handle, ConcurrentQueue<LoopbackRequest> requests)
    {
        _name = name;
        _handle = handle;
        _requests = requests;
        _listener.Start();
        BaseAddress = $"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}";
        // Dedicated threads, not the thread pool: the code under test blocks pool threads (sync over async), and on a
        // loaded machine a starved pool would delay the server past the client's timeout.
        new Thread(AcceptLoop) { IsBackground = true, Name = $"loopback {name}" }.Start();
    }

    /// <summary>http://127.0.0.1:PORT, without a trailing slash.</summary>
    public string BaseAddress { get; }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
    }

    private void AcceptLoop()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try { client = _listener.AcceptTcpClient(); }
            catch (Exception) { return; } // stopped
            new Thread(() => Serve(client)) { IsBackground = true }.Start();
        }
    }

    private void Serve(TcpClient client)
    {
        using (client)
        {
            try
            {
                var stream = client.GetStream();
                var request = ReadRequest(stream);
                if (request is null) return;
                _requests.Enqueue(request);
                var response = _handle(request);
                Write(stream, request.Method, response);
                if (response.CutAfter is not null) client.Client.LingerState = new LingerOption(true, 0); // a reset, not a clean close
            }
            catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException)
            {
                // the client went away; nothing to answer
            }
        }
    }

    private LoopbackRequest? ReadRequest(NetworkStream stream)
    {
        var head = new List<byte>();
        while (head.Count < 4 || head[^4] != '\r' || head[^3] != '\n' || head[^2] != '\r' || head[^1] != '\n')
        {
            int b = stream.ReadByte();
            if (b < 0) return null;
            head.Add((byte)b);
        }
        var lines = Encoding.ASCII.GetString(head.ToArray()).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        var parts = lines[0].Split(' ');
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var line in lines.Skip(1))
        {
            int colon = line.IndexOf(':');
            headers[line[..colon].Trim()] = line[(colon + 1)..].Trim();
        }
        return new LoopbackRequest(_name, parts[0], Uri.UnescapeDataString(parts[1]), headers);
    }

    private static void Write(NetworkStream stream, string method, LoopbackResponse response)
    {
        var head = new StringBuilder($"HTTP/1.1 {response.Status} {ReasonPhrase(response.Status)}\r\n");
        foreach (var (name, value) in response.Headers) head.Append($"{name}: {value}\r\n");
        if (response.WriteBody is null && !response.Headers.Any(h => h.Name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase)))
            head.Append($"Content-Length: {response.Body.Length}\r\n");
        head.Append("Connection: close\r\n\r\n");
        stream.Write(Encoding.Latin1.GetBytes(head.ToString()));
        if (method != "HEAD" && response.WriteBody is not null) response.WriteBody(stream);
        else if (method != "HEAD") stream.Write(response.Body, 0, Math.Min(response.Body.Length, response.CutAfter ?? int.MaxValue));
        stream.Flush();
    }

    private static string ReasonPhrase(int status) => status switch
    {
        200 => "OK", 206 => "Partial Content", 302 => "Found", 401 => "Unauthorized", 403 => "Forbidden", 404 => "Not Found",
        416 => "Range Not Satisfiable", _ => "Status",
    };
}
