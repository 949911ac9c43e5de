using Microsoft.ML.RemBert.Tests.Infrastructure;

namespace Microsoft.ML.RemBert.Tests.Runtime;

/// <summary>
/// The library packed once (on first use) into a local feed, for the apps that <see cref="PackageConsumerTests"/>
/// build outside the repository. The version is one no earlier run used, so NuGet's global cache cannot hand back a
/// stale package; the feed, the apps and that cache entry are deleted on dispose.
/// </summary>
public sealed class PackedLibrary : IDisposable
{
    /// <summary>The TorchSharp backend package version the apps reference, as an app that uses our package must.</summary>
    public const string TorchSharpVersion = "0.107.0";

    private static readonly TimeSpan PackTimeout = TimeSpan.FromMinutes(5);
    private readonly DirectoryInfo _work = Directory.CreateTempSubdirectory("rembert-consumer-");
    private readonly Lazy<string> _feed;

    /// <summary>Creates the scratch directory; packing waits for the first app.</summary>
    public PackedLibrary()
    {
        Version = $"0.0.0-consumertest.{DateTime.UtcNow:yyyyMMddHHmmss}.{Environment.ProcessId}";
        _feed = new Lazy<string>(Pack);
    }

    /// <summary>The package version the feed holds.</summary>
    public string Version { get; }

    /// <summary>The .nuspec inside the packed package, as text.</summary>
    public string ReadNuspec()
    {
        string package = Path.Combine(_feed.Value, $"Microsoft.ML.RemBert.{Version}.nupkg");
        using var archive = System.IO.Compression.ZipFile.OpenRead(package);
        using var reader = new StreamReader(archive.GetEntry("Microsoft.ML.RemBert.nuspec")!.Open());
        return reader.ReadToEnd();
    }

    /// <summary>
    /// Writes an app directory (nuget.config with the local feed first, an exe project referencing our package,
    /// TorchSharp-cpu and <paramref name="extraPackages"/>) and returns its path; the caller adds Program.cs.
    /// </summary>
    public string CreateApp(string name, params (string Id, string Version)[] extraPackages) =>
        CreateApp(name, treatWarningsAsErrors: false, extraPackages);

    /// <summary>
    /// <see cref="CreateApp(string, ValueTuple{string, string}[])"/>, with every warning (restore's NU1608, NU1107 and
    /// NU1605 included) an error when <paramref name="treatWarningsAsErrors"/> is set.
    /// </summary>
    public string CreateApp(string name, bool treatWarningsAsErrors, params (string Id, string Version)[] extraPackages)
    {
        string feed = _feed.Value;
        string app = Directory.CreateDirectory(Path.Combine(_work.FullName, name)).FullName;
        File.WriteAllText(Path.Combine(app, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
                <add key="local" value="{feed}" />
                <add key="nuget.org" value="https://api.nuget.org/v3/index.json" />
              </packageSources>
            </configuration>
            """);
        string references = string.Join("\n", extraPackages.Prepend(("TorchSharp-cpu", TorchSharpVersion))
            .Select(p => $"""    <PackageReference Include="{p.Item1}" Version="{p.Item2}" />"""));
        File.WriteAllText(Path.Combine(app, $"{name}.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <ImplicitUsings>enable</ImplicitUsings>
                <Nullable>enable</Nullable>
                <TreatWarningsAsErrors>{(treatWarningsAsErrors ? "true" : "false")}</TreatWarningsAsErrors>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="Microsoft.ML.RemBert" Version="{Version}" />
            {references}
              </ItemGroup>
            </Project>
            """);
        return app;
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _work.Delete(recursive: true);
        string cache = Environment.GetEnvironmentVariable("NUGET_PACKAGES")
            ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        string folder = Path.Combine(cache, "microsoft.ml.rembert", Version);
        if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
    }

    private string Pack()
    {
        string feed = Directory.CreateDirectory(Path.Combine(_work.FullName, "feed")).FullName;
        string[] arguments = { "pack", Path.Combine("src", "Microsoft.ML.RemBert", "Microsoft.ML.RemBert.csproj"),
            "--no-build", "-c", TestPaths.BuildConfiguration, "-o", feed, $"-p:Version={Version}" };
        var result = DotnetProcess.Run(arguments, PackTimeout, TestPaths.RepoRoot);
        if (result.ExitCode != 0)
            throw new InvalidOperationException($"dotnet {string.Join(' ', arguments)} exited with {result.ExitCode}:\n{result.StandardOutput}\n{result.StandardError}");
        return feed;
    }
}
