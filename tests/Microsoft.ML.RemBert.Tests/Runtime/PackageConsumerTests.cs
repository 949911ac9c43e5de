using System.Diagnostics;
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
        // BaseDirectory is tests/.../bin/CONFIGURATION/net10.0/
        string configuration = new DirectoryInfo(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory)).Parent!.Name;
        // A version no earlier run used, so NuGet's global cache cannot hand back a stale package.
        string version = $"0.0.0-consumertest.{DateTime.UtcNow:yyyyMMddHHmmss}.{Environment.ProcessId}";
        var work = Directory.CreateTempSubdirectory("rembert-consumer-");
        try
        {
            string feed = Directory.CreateDirectory(Path.Combine(work.FullName, "feed")).FullName;
            Run(TestPaths.RepoRoot, "pack", Path.Combine("src", "Microsoft.ML.RemBert", "Microsoft.ML.RemBert.csproj"),
                "--no-build", "-c", configuration, "-o", feed, $"-p:Version={version}");

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
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        // The test host runs under MSBuild-launched settings that must not leak into a separate build.
        foreach (var name in start.Environment.Keys.Where(k => k.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase)).ToList())
            start.Environment.Remove(name);

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(CommandTimeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"dotnet {string.Join(' ', arguments)} in {directory} took longer than {CommandTimeout}.");
        }
        _output.WriteLine($"$ dotnet {string.Join(' ', arguments)}\n{stdout.Result}{stderr.Result}");
        Assert.True(process.ExitCode == 0, $"dotnet {string.Join(' ', arguments)} in {directory} exited with {process.ExitCode}:\n{stdout.Result}\n{stderr.Result}");
        return stdout.Result;
    }

    private static void DeleteFromGlobalCache(string version)
    {
        string cache = Environment.GetEnvironmentVariable("NUGET_PACKAGES")
            ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        string folder = Path.Combine(cache, "microsoft.ml.rembert", version);
        if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
    }
}
