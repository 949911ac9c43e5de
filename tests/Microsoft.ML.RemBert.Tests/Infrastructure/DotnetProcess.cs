using System.Diagnostics;

namespace Microsoft.ML.RemBert.Tests.Infrastructure;

/// <summary>Runs the <c>dotnet</c> host as a child process (the one running the tests), with a time limit.</summary>
public static class DotnetProcess
{
    public sealed record Result(int ExitCode, string StandardOutput, string StandardError);

    private static string Host => Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet";

    public static Result Run(IEnumerable<string> arguments, TimeSpan timeout, string? workingDirectory = null,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = StartInfo(Host, arguments, workingDirectory);
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
            start.Environment[name] = value;
        return Wait(Process.Start(start)!, timeout);
    }

    /// <summary>
    /// Runs <paramref name="command"/> with <c>/bin/sh -c</c>, for the redirections a test needs (<c>&gt; /dev/full</c>);
    /// the command finds the dotnet host in <c>$DOTNET</c>.
    /// </summary>
    public static Result RunShell(string command, TimeSpan timeout)
    {
        var start = StartInfo("/bin/sh", ["-c", command], workingDirectory: null);
        start.Environment["DOTNET"] = Host;
        return Wait(Process.Start(start)!, timeout);
    }

    /// <summary>
    /// Starts the dotnet host with <paramref name="arguments"/>, its output redirected, for a test that signals it while it
    /// runs. SIGINT and SIGTERM are reset to their defaults in the child (coreutils' <c>env --default-signal</c>): a runner
    /// started as a background job ignores SIGINT, an ignored signal stays ignored across exec, and .NET then never
    /// sees it. The child execs in place, so the process id is the CLI's.
    /// </summary>
    public static Process StartForSignals(IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = StartInfo("env", ["--default-signal=INT,TERM", Host, .. arguments], workingDirectory: null);
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
            start.Environment[name] = value;
        return Process.Start(start)!;
    }

    /// <summary>Collects a started process's output and exit code, killing it after <paramref name="timeout"/>.</summary>
    public static Result Wait(Process process, TimeSpan timeout)
    {
        using var _ = process;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{process.StartInfo.FileName} {string.Join(' ', process.StartInfo.ArgumentList)} did not finish within {timeout}.");
        }
        return new Result(process.ExitCode, stdout.Result, stderr.Result);
    }

    private static ProcessStartInfo StartInfo(string program, IEnumerable<string> arguments, string? workingDirectory)
    {
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? "",
        };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        // The test host runs under MSBuild-launched settings that must not leak into a child build.
        foreach (var name in start.Environment.Keys.Where(k => k.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase)).ToList())
            start.Environment.Remove(name);
        return start;
    }
}
