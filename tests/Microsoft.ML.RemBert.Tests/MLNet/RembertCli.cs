using System.Diagnostics;
using Microsoft.ML.RemBert.Tests.Infrastructure;

namespace Microsoft.ML.RemBert.Tests.MLNet;

/// <summary>Runs the built <c>rembert</c> CLI as a child process, so tests see exactly what production sees.</summary>
internal static class RembertCli
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);

    public sealed record Result(int ExitCode, string StandardOutput, string StandardError);

    /// <summary>rembert.dll next to the test assembly (the test project references the CLI), else the CLI's own bin.</summary>
    public static string FindAssembly()
    {
        string beside = Path.Combine(AppContext.BaseDirectory, "rembert.dll");
        if (File.Exists(beside))
            return beside;
        string configuration = new DirectoryInfo(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory)).Parent!.Name;
        string built = Path.Combine(TestPaths.RepoRoot, "src", "Microsoft.ML.RemBert.Cli", "bin", configuration, "net10.0", "rembert.dll");
        return File.Exists(built) ? built : throw new FileNotFoundException($"rembert.dll is neither at {beside} nor at {built}; build the CLI first.");
    }

    public static Result Run(params string[] arguments)
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(FindAssembly());
        foreach (string argument in arguments)
            start.ArgumentList.Add(argument);

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(Timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"rembert {string.Join(' ', arguments)} did not finish within {Timeout}.");
        }
        return new Result(process.ExitCode, stdout.Result, stderr.Result);
    }
}
