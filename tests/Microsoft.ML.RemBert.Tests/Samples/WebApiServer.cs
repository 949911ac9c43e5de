using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;
using Microsoft.ML.RemBert.Tests.Infrastructure;

namespace Microsoft.ML.RemBert.Tests.Samples;

/// <summary>
/// The Web API sample (samples/MLNetPipelines/WebApi) running in a child process on real Kestrel at 127.0.0.1 port 0,
/// with a real <see cref="HttpClient"/> on the port it logged. Its log lines are collected as they come.
/// </summary>
internal sealed partial class WebApiServer : IDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(2);
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _log = new();
    private readonly Task _stdout, _stderr;

    private WebApiServer(Process process)
    {
        _process = process;
        _stdout = Collect(process.StandardOutput);
        _stderr = Collect(process.StandardError);
        Client = new HttpClient();
        Address = null!;
    }

    public Uri Address { get; private set; }

    public HttpClient Client { get; private set; }

    public int ProcessId => _process.Id;

    /// <summary>Every line logged so far.</summary>
    public IReadOnlyList<string> Log => _log.ToArray();

    /// <summary>Starts the server on <paramref name="model"/> with <paramref name="arguments"/> and waits until it listens.</summary>
    public static WebApiServer Start(string model, params string[] arguments)
    {
        var process = DotnetProcess.StartForSignals(new[] { SampleApp.Assembly("WebApi"), "--model", model, "--urls", "http://127.0.0.1:0" }.Concat(arguments));
        var server = new WebApiServer(process);
        try
        {
            var line = server.WaitForLog(Listening(), StartTimeout);
            server.Address = new Uri(Listening().Match(line).Groups[1].Value);
            server.Client.Dispose();
            server.Client = new HttpClient { BaseAddress = server.Address, Timeout = TimeSpan.FromMinutes(2) };
            return server;
        }
        catch
        {
            server.Dispose();
            throw;
        }
    }

    /// <summary>The first log line matching <paramref name="pattern"/>; fails after <paramref name="timeout"/> or when the server exits.</summary>
    public string WaitForLog(Regex pattern, TimeSpan timeout) => WaitForLog(pattern, 1, timeout);

    /// <summary>The <paramref name="count"/>th log line matching <paramref name="pattern"/>; fails after <paramref name="timeout"/> or when the server exits.</summary>
    public string WaitForLog(Regex pattern, int count, TimeSpan timeout)
    {
        var watch = Stopwatch.StartNew();
        while (true)
        {
            var line = _log.Where(logged => pattern.IsMatch(logged)).Skip(count - 1).FirstOrDefault();
            if (line is not null)
                return line;
            if (_process.HasExited && _stdout.IsCompleted && _stderr.IsCompleted)
                throw new Xunit.Sdk.XunitException($"The server exited with {_process.ExitCode} before logging /{pattern}/:\n{string.Join('\n', _log)}");
            if (watch.Elapsed > timeout)
                throw new Xunit.Sdk.XunitException($"The server did not log /{pattern}/ within {timeout}:\n{string.Join('\n', _log)}");
            Thread.Sleep(50);
        }
    }

    /// <summary>The server's resident set size now, from /proc.</summary>
    public long ResidentBytes()
    {
        var line = File.ReadLines($"/proc/{_process.Id}/status").First(line => line.StartsWith("VmRSS:", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture) * 1024;
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int signal);

    /// <summary>Sends SIGTERM and waits for the exit; returns the exit code.</summary>
    public int Terminate(TimeSpan timeout)
    {
        kill(_process.Id, 15);
        if (!_process.WaitForExit(timeout))
            throw new Xunit.Sdk.XunitException($"The server did not exit within {timeout} of SIGTERM:\n{string.Join('\n', _log)}");
        _process.WaitForExit();
        return _process.ExitCode;
    }

    public bool HasExited => _process.HasExited;

    private Task Collect(StreamReader reader) => Task.Run(async () =>
    {
        while (await reader.ReadLineAsync() is { } line)
            _log.Enqueue(line);
    });

    public void Dispose()
    {
        Client.Dispose();
        if (!_process.HasExited)
            _process.Kill(entireProcessTree: true);
        _process.WaitForExit(10_000);
        _process.Dispose();
    }

    [GeneratedRegex(@"Now listening on: (http://127\.0\.0\.1:[0-9]+)")]
    private static partial Regex Listening();
}
