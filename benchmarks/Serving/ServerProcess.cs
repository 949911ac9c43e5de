using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;

namespace Serving;

/// <summary>The Web API sample in a child process on 127.0.0.1 (port 0), started from its own bin folder.</summary>
internal sealed partial class ServerProcess : IDisposable
{
    private readonly Process _process;

    private ServerProcess(Process process, Uri address) => (_process, Address) = (process, address);

    public Uri Address { get; }

    /// <param name="torchThreads">libtorch's intra-op threads (OMP_NUM_THREADS and MKL_NUM_THREADS); null: its default (one per core).</param>
    public static ServerProcess Start(string zip, string engine, string configuration, IEnumerable<string> extraArguments, string? torchThreads = null)
    {
        string root = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "../../../../.."));
        string dll = Path.Combine(root, "samples", "MLNetPipelines", "WebApi", "bin", configuration, "net10.0", "WebApi.dll");
        if (!File.Exists(dll))
            throw new FileNotFoundException($"{dll} is missing; build benchmarks/Serving (it builds the sample).", dll);
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        if (torchThreads is not null)
        {
            start.Environment["OMP_NUM_THREADS"] = torchThreads;
            start.Environment["MKL_NUM_THREADS"] = torchThreads;
        }
        foreach (var argument in new[] { dll, "--model", zip, "--urls", "http://127.0.0.1:0", "--engine", engine }.Concat(extraArguments))
            start.ArgumentList.Add(argument);
        var process = Process.Start(start)!;
        var listening = new TaskCompletionSource<Uri>();
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is { } line && Listening().Match(line) is { Success: true } match)
                listening.TrySetResult(new Uri(match.Groups[1].Value));
        };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) Console.Error.WriteLine($"  server: {e.Data}"); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        process.EnableRaisingEvents = true;
        process.Exited += (_, _) => listening.TrySetException(new InvalidOperationException($"The server exited with {process.ExitCode} before listening."));
        if (!listening.Task.Wait(TimeSpan.FromMinutes(3)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("The server did not listen within 3 minutes.");
        }
        return new ServerProcess(process, listening.Task.Result);
    }

    /// <summary>The server's peak resident set size (VmHWM).</summary>
    public long PeakResidentBytes()
    {
        var line = File.ReadLines($"/proc/{_process.Id}/status").First(line => line.StartsWith("VmHWM:", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture) * 1024;
    }

    /// <summary>
    /// CPU time the server has used so far, user plus system, every thread (/proc/PID/stat utime + stime): unlike
    /// wall-clock requests/s, CPU per request hardly depends on what else the machine runs.
    /// </summary>
    public TimeSpan CpuTime()
    {
        string stat = File.ReadAllText($"/proc/{_process.Id}/stat");
        // Fields after the command name (which is in parentheses and may contain spaces): state is field 3, utime 14, stime 15.
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        long ticks = long.Parse(fields[11], System.Globalization.CultureInfo.InvariantCulture) + long.Parse(fields[12], System.Globalization.CultureInfo.InvariantCulture);
        return TimeSpan.FromSeconds(ticks / (double)sysconf(ScClkTck));
    }

    private const int ScClkTck = 2; // _SC_CLK_TCK on Linux

    [DllImport("libc")]
    private static extern long sysconf(int name);

    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int signal);

    /// <summary>SIGTERM, as a service manager stops it; the exit code.</summary>
    public int Stop()
    {
        kill(_process.Id, 15);
        if (!_process.WaitForExit(TimeSpan.FromSeconds(30)))
            _process.Kill(entireProcessTree: true);
        _process.WaitForExit();
        return _process.ExitCode;
    }

    public void Dispose()
    {
        if (!_process.HasExited)
            _process.Kill(entireProcessTree: true);
        _process.Dispose();
    }

    [GeneratedRegex(@"Now listening on: (http://127\.0\.0\.1:[0-9]+)")]
    private static partial Regex Listening();
}
