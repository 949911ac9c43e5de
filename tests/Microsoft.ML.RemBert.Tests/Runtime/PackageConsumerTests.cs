using Microsoft.ML.RemBert.Tests.Infrastructure;
using Xunit;
using Xunit.Abstractions;

namespace Microsoft.ML.RemBert.Tests.Runtime;

/// <summary>
/// Apps outside this repository that reference the library as a NuGet package (plus TorchSharp-cpu) build and run
/// TorchSharp with no manual step: the package's buildTransitive targets make libtorch load on this system. The
/// library is packed once for all of them (<see cref="PackedLibrary"/>).
/// </summary>
[Trait("Category", "Slow")] // packs the library and builds apps against it: minutes
public class PackageConsumerTests : IClassFixture<PackedLibrary>
{
    /// <summary>ML.NET's TorchSharp trainers, compiled against TorchSharp 0.102.7; NuGet lifts that to our 0.107.0.</summary>
    private const string MLNetTorchSharpVersion = "0.23.1";
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromMinutes(5);
    private readonly PackedLibrary _package;
    private readonly ITestOutputHelper _output;

    public PackageConsumerTests(PackedLibrary package, ITestOutputHelper output)
    {
        _package = package;
        _output = output;
    }

    [SkippableFact]
    public void AppReferencingThePackageLoadsLibTorch()
    {
        Skip.IfNot(OperatingSystem.IsLinux(), "The native patch is for Linux.");
        string app = _package.CreateApp("app");
        File.WriteAllText(Path.Combine(app, "Program.cs"), """
            using TorchSharp;
            var config = Microsoft.ML.RemBert.Modeling.RemBertConfig.GoogleRemBert();
            Console.WriteLine($"sum={torch.ones(config.HiddenSize).sum().item<float>()}");
            """);

        string output = Run(app, "run");
        Assert.Contains("sum=1152", output);
    }

    /// <summary>
    /// With Microsoft.ML.TorchSharp referenced too, the app restores (TorchSharp resolved to 0.107.0, loaded once),
    /// builds, and constructs both pipelines in one process; ML.NET's trainer cannot train on TorchSharp 0.107 (its
    /// weight-init helpers dispose the weights they initialise), while ours tokenizes and runs a forward pass after it.
    /// </summary>
    [SkippableFact]
    public void AppReferencingMicrosoftMLTorchSharpToo()
    {
        Skip.IfNot(OperatingSystem.IsLinux(), "The native patch is for Linux.");
        string app = _package.CreateApp("with-mlnet-torchsharp", ("Microsoft.ML.TorchSharp", MLNetTorchSharpVersion));
        File.Copy(TestPaths.TestData("PackageConsumers", "TorchSharpAlongside", "Program.cs"), Path.Combine(app, "Program.cs"));
        string scratch = Directory.CreateDirectory(Path.Combine(app, "scratch")).FullName;

        string output = Run(app, "run", "--", TestPaths.TestData("MLNet", "tiny-unigram.model"), scratch);

        Assert.Contains("mlnet-pipeline: TextClassificationTrainer", output);
        Assert.Contains("mlnet-fit: InvalidOperationException: Tensor invalid -- empty handle.", output);
        Assert.Contains("ours-trainer: Key<UInt32, 0-1>", output);
        Assert.Contains("ours-tokenizer: 4x16", output);
        Assert.Contains("ours-forward: 4x2 finite=True", output);
        Assert.Contains($"torchsharp: {PackedLibrary.TorchSharpVersion}.0", output);
    }

    private string Run(string directory, params string[] arguments)
    {
        var result = DotnetProcess.Run(arguments, CommandTimeout, directory);
        _output.WriteLine($"$ dotnet {string.Join(' ', arguments)}\n{result.StandardOutput}{result.StandardError}");
        Assert.True(result.ExitCode == 0, $"dotnet {string.Join(' ', arguments)} in {directory} exited with {result.ExitCode}:\n{result.StandardOutput}\n{result.StandardError}");
        return result.StandardOutput;
    }
}
