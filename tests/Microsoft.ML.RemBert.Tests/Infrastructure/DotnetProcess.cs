using System.Diagnostics;

namespace Microsoft.ML.RemBert.Tests.Infrastructure;

/// <summary>Runs the <c>dotnet</c> host as a child process (the one running the tests), with a time limit.</summary>
public static class DotnetProcess
{
    public sealed record Result(int ExitCode, string StandardOutput, string StandardError);

    public static Result Run(IEnumerable<string> arguments, TimeSpan timeout, string? workingDirectory = null)
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
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

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"dotnet {string.Join(' ', start.ArgumentList)} did not finish within {timeout}.");
        }
        return new Result(process.ExitCode, stdout.Result, stderr.Result);
    }
}
