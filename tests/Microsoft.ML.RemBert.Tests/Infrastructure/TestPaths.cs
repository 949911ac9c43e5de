namespace Microsoft.ML.RemBert.Tests.Infrastructure;

/// <summary>
/// Locates the repository and its committed test data. The reference fixtures (the tiny PyTorch checkpoints with their
/// outputs, the SentencePiece models with spm_encode's ids) are committed copies of ../shared/fixtures, so a user's
/// clone without ../shared runs the suite whole.
/// </summary>
public static class TestPaths
{
    /// <summary>The folder holding RemBert.sln.</summary>
    public static string RepoRoot { get; } = FindRepoRoot();

    /// <summary>The configuration the tests were built in (Debug or Release): BaseDirectory is tests/.../bin/CONFIGURATION/net10.0/.</summary>
    public static string BuildConfiguration { get; } =
        new DirectoryInfo(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory)).Parent!.Name;

    /// <summary>Data committed under tests/Microsoft.ML.RemBert.Tests/TestData.</summary>
    public static string TestData(params string[] parts) =>
        Path.Combine(new[] { RepoRoot, "tests", "Microsoft.ML.RemBert.Tests", "TestData" }.Concat(parts).ToArray());

    /// <summary>A path under TestData/fixtures: rembert-reference/ and sentencepiece/ (see TestData/fixtures/README.md).</summary>
    public static string Fixture(params string[] parts) => TestData(new[] { "fixtures" }.Concat(parts).ToArray());

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "RemBert.sln"))) return dir.FullName;
        throw new InvalidOperationException($"RemBert.sln not found above {AppContext.BaseDirectory}.");
    }
}
