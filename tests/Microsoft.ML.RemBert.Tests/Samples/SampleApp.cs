using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.ML.RemBert.Tests.Infrastructure;

namespace Microsoft.ML.RemBert.Tests.Samples;

/// <summary>
/// Runs a sample app of samples/MLNetPipelines from its own bin folder as a child process (the test project builds
/// it first), in a working directory of the test's, and reads what it prints.
/// </summary>
internal static partial class SampleApp
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(3);

    /// <summary>Runs sample <paramref name="name"/> with <paramref name="arguments"/>; a non-zero exit fails with its output.</summary>
    public static string Run(string name, string workingDirectory, params string[] arguments)
    {
        var result = DotnetProcess.Run(arguments.Prepend(Assembly(name)), Timeout, workingDirectory);
        if (result.ExitCode != 0)
            throw new Xunit.Sdk.XunitException($"{name} {string.Join(' ', arguments)} exited with {result.ExitCode}:\n{result.StandardOutput}\n{result.StandardError}");
        return result.StandardOutput;
    }

    /// <summary>The sample's built assembly, samples/MLNetPipelines/NAME/bin/CONFIGURATION/net10.0/NAME.dll.</summary>
    public static string Assembly(string name)
    {
        string path = Path.Combine(TestPaths.RepoRoot, "samples", "MLNetPipelines", name, "bin", TestPaths.BuildConfiguration, "net10.0", name + ".dll");
        return File.Exists(path) ? path : throw new FileNotFoundException($"{path} is missing; build the test project (it builds the samples).", path);
    }

    /// <summary>The number printed after <paramref name="label"/> (e.g. "micro accuracy 0.812"); fails when absent.</summary>
    public static double Metric(string output, string label)
    {
        var match = Regex.Match(output, Regex.Escape(label) + @" (-?[0-9]+(?:\.[0-9]+)?)");
        Xunit.Assert.True(match.Success, $"The output has no '{label} NUMBER':\n{output}");
        return double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
    }

    /// <summary>The prediction lines a sample prints after reloading its zip: "  [xx] ..." in order.</summary>
    public static IReadOnlyList<string> PredictionLines(string output) =>
        PredictionLine().Matches(output).Select(match => match.Value.TrimEnd()).ToList();

    [GeneratedRegex(@"^  \[[a-z ]{2}\] .+$", RegexOptions.Multiline)]
    private static partial Regex PredictionLine();
}
