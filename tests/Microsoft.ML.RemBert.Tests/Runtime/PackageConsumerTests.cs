using Microsoft.ML.RemBert.Tests.Infrastructure;
using Xunit;
using Xunit.Abstractions;

namespace Microsoft.ML.RemBert.Tests.Runtime;

/// <summary>
/// An app outside this repository that references the library as a NuGet package (plus TorchSharp-cpu) builds and
/// runs TorchSharp with no manual step: the package's buildTransitive targets make libtorch load on this system.
/// </summary>
public class PackageConsumerTests
{
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromMinutes(5);
    private const string TorchSharpVersion = "0.107.0";
    private readonly ITestOutputHelper _output;

    public PackageConsumerTests(ITestOutputHelper output) => _output = output;

    [SkippableFact]
    public void AppReferencingThePackageLoadsLibTorch()
    {
        Skip.IfNot(OperatingSystem.IsLinux(), "The native patch is for Linux.");
        // A version no earlier run used, so NuGet's global cache cannot hand back a stale package.
        string version = $"0.0.0-consumertest.{DateTime.UtcNow:yyyyMMddHHmmss}.{Environment.ProcessId}";
        var work = Directory.CreateTempSubdirectory("rembert-consumer-");
        try
        {
            string feed = Directory.CreateDirectory(Path.Combine(work.FullName, "feed")).FullName;
            Run(TestPaths.RepoRoot, "pack", Path.Combine("src", "Microsoft.ML.RemBert", "Microsoft.ML.RemBert.csproj"),
                "--no-build", "-c", TestPaths.BuildConfiguration, "-o", feed, $"-p:Version={version}");

            string app = Directory.CreateDirectory(Path.Combine(work.FullName, "app")).FullName;
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
            File.WriteAllText(Path.Combine(app, "app.csproj"), $"""
                <Project Sdk="Microsoft.NET.Sdk">
                  <PropertyGroup>
                    <OutputType>Exe</OutputType>
                    <TargetFramework>net10.0</TargetFramework>
                    <ImplicitUsings>enable</ImplicitUsings>
                  </PropertyGroup>
                  <ItemGroup>
                    <PackageReference Include="Microsoft.ML.RemBert" Version="{version}" />
                    <PackageReference Include="TorchSharp-cpu" Version="{TorchSharpVersion}" />
                  </ItemGroup>
                </Project>
                """);
            File.WriteAllText(Path.Combine(app, "Program.cs"), """
                using TorchSharp;
                var config = Microsoft.ML.RemBert.Modeling.RemBertConfig.GoogleRemBert();
                Console.WriteLine($"sum={torch.ones(config.HiddenSize).sum().item<float>()}");
                """);

            string output = Run(app, "run");
            Assert.Contains("sum=1152", output);
        }
        finally
        {
            work.Delete(recursive: true);
            DeleteFromGlobalCache(version);
        }
    }

    private string Run(string directory, params string[] arguments)
    {
        var result = DotnetProcess.Run(arguments, CommandTimeout, directory);
        _output.WriteLine($"$ dotnet {string.Join(' ', arguments)}\n{result.StandardOutput}{result.StandardError}");
        Assert.True(result.ExitCode == 0, $"dotnet {string.Join(' ', arguments)} in {directory} exited with {result.ExitCode}:\n{result.StandardOutput}\n{result.StandardError}");
        return result.StandardOutput;
    }

    private static void DeleteFromGlobalCache(string version)
    {
        string cache = Environment.GetEnvironmentVariable("NUGET_PACKAGES")
            ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        string folder = Path.Combine(cache, "microsoft.ml.rembert", version);
        if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
    }
}
