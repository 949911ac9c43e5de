namespace Microsoft.ML.RemBert.Tests.Infrastructure;

/// <summary>Locates the repository, its committed test data, and the optional ../shared ground truth.</summary>
public static class TestPaths
{
    /// <summary>The folder holding RemBert.sln.</summary>
    public static string RepoRoot { get; } = FindRepoRoot();

    /// <summary>../shared beside the repository, or null in a user's clone that has none.</summary>
    public static string? SharedRoot { get; } = FindShared();

    /// <summary>The configuration the tests were built in (Debug or Release): BaseDirectory is tests/.../bin/CONFIGURATION/net10.0/.</summary>
    public static string BuildConfiguration { get; } =
        new DirectoryInfo(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory)).Parent!.Name;

    /// <summary>Data committed under tests/Microsoft.ML.RemBert.Tests/TestData.</summary>
    public static string TestData(params string[] parts) =>
        Path.Combine(new[] { RepoRoot, "tests", "Microsoft.ML.RemBert.Tests", "TestData" }.Concat(parts).ToArray());

    /// <summary>A path under ../shared/fixtures; skips the calling test with a clear message when ../shared is absent.</summary>
    public static string SharedFixture(params string[] parts)
    {
        Xunit.Skip.If(SharedRoot is null, "../shared is absent (only CI and developer machines have it); this test compares with its reference data.");
        return Path.Combine(new[] { SharedRoot!, "fixtures" }.Concat(parts).ToArray());
    }

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "RemBert.sln"))) return dir.FullName;
        throw new InvalidOperationException($"RemBert.sln not found above {AppContext.BaseDirectory}.");
    }

    private static string? FindShared()
    {
        var env = Environment.GetEnvironmentVariable("REMBERT_SHARED");
        if (!string.IsNullOrEmpty(env) && Directory.Exists(env)) return Path.GetFullPath(env);
        var candidate = Path.GetFullPath(Path.Combine(RepoRoot, "..", "shared"));
        return Directory.Exists(Path.Combine(candidate, "fixtures")) ? candidate : null;
    }
}
