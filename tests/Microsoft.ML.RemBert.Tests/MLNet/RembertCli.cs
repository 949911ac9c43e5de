using Microsoft.ML.RemBert.Tests.Infrastructure;

namespace Microsoft.ML.RemBert.Tests.MLNet;

/// <summary>Runs the built <c>rembert</c> CLI as a child process, so tests see exactly what production sees.</summary>
internal static class RembertCli
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);

    /// <summary>rembert.dll next to the test assembly (the test project references the CLI), else the CLI's own bin.</summary>
    public static string FindAssembly()
    {
        string beside = Path.Combine(AppContext.BaseDirectory, "rembert.dll");
        if (File.Exists(beside))
            return beside;
        string built = Path.Combine(TestPaths.RepoRoot, "src", "Microsoft.ML.RemBert.Cli", "bin", TestPaths.BuildConfiguration, "net10.0", "rembert.dll");
        return File.Exists(built) ? built : throw new FileNotFoundException($"rembert.dll is neither at {beside} nor at {built}; build the CLI first.");
    }

    public static DotnetProcess.Result Run(params string[] arguments) =>
        DotnetProcess.Run(arguments.Prepend(FindAssembly()), Timeout);

    /// <summary>As <see cref="Run(string[])"/>, with environment variables set for the child.</summary>
    public static DotnetProcess.Result RunWith(IReadOnlyDictionary<string, string> environment, params string[] arguments) =>
        DotnetProcess.Run(arguments.Prepend(FindAssembly()), Timeout, environment: environment);
}
