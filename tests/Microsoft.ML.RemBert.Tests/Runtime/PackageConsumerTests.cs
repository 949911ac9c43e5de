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
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromMinutes(5);
    private readonly PackedLibrary _package;
    private readonly ITestOutputHelper _output;

    public PackageConsumerTests(PackedLibrary package, ITestOutputHelper output)
    {
        _package = package;
        _output = output;
    }

    [SkippableFact]
    [Trait("Category", "Slow")]
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
    /// The package declares the Microsoft.ML range the tests prove, not the version it is compiled against, and
    /// depends on Microsoft.ML.Tokenizers because the library uses it (RemBertMLTokenizer).
    /// </summary>
    [Fact]
    [Trait("Category", "Slow")]
    public void ThePackageDeclaresTheTestedMicrosoftMLRangeAndTheTokenizersItUses()
    {
        var (minimum, exclusiveMaximum) = RemBert.MLNet.MLNetVersionCheck.SupportedRange();
        Assert.Equal(BuildVersions.MLNetMinimum, minimum.ToString());
        string nuspec = _package.ReadNuspec();
        Assert.Contains($"<dependency id=\"Microsoft.ML\" version=\"[{minimum}, {exclusiveMaximum})\"", nuspec);

        Assert.Contains(typeof(RemBert.Tokenization.RemBertMLTokenizer).Assembly.GetReferencedAssemblies(), a => a.Name == "Microsoft.ML.Tokenizers");
        // ML.NET's assembly versions do not follow the package's; its informational version does.
        string tokenizers = System.Reflection.CustomAttributeExtensions.GetCustomAttribute<System.Reflection.AssemblyInformationalVersionAttribute>(
            typeof(Microsoft.ML.Tokenizers.Tokenizer).Assembly)!.InformationalVersion.Split('+')[0];
        Assert.Contains($"<dependency id=\"Microsoft.ML.Tokenizers\" version=\"{tokenizers}\"", nuspec);
    }

    /// <summary>
    /// An app on the lowest and one on the highest Microsoft.ML of the declared range (each with the
    /// Microsoft.ML.OnnxConverter of its release) restores and builds with every warning an error (no NU1608/NU1107),
    /// trains, saves, reloads the zip in a new process with the same scores, and exports ONNX.
    /// </summary>
    [SkippableTheory]
    [Trait("Category", "Slow")]
    [InlineData("lowest")]
    [InlineData("highest")]
    public void AppOnEachEndOfTheMicrosoftMLRangeTrainsSavesReloadsAndExports(string end)
    {
        Skip.IfNot(OperatingSystem.IsLinux(), "The native patch is for Linux.");
        var (mlnet, onnxConverter) = end == "lowest"
            ? (BuildVersions.MLNetMinimum, BuildVersions.OnnxConverterMinimum)
            : (BuildVersions.MLNet, BuildVersions.OnnxConverter);
        string app = _package.CreateApp($"mlnet-{mlnet}", treatWarningsAsErrors: true,
            ("Microsoft.ML", mlnet), ("Microsoft.ML.OnnxConverter", onnxConverter));
        CopySources("MLNetRange", app);
        string scratch = Directory.CreateDirectory(Path.Combine(app, "scratch")).FullName;

        string trained = Run(app, "run", "--", "train", TestPaths.TestData("MLNet", "tiny-unigram.model"), scratch);
        string reloaded = Run(app, "run", "--no-build", "--", "predict", scratch);

        Assert.Contains($"microsoft.ml: {mlnet}\n", trained);
        Assert.Contains($"microsoft.ml: {mlnet}\n", reloaded);
        Assert.Contains("onnx: written", trained);
        string Scores(string output, string what) =>
            output.Split('\n').Single(l => l.StartsWith($"scores {what}: ", StringComparison.Ordinal))[$"scores {what}: ".Length..];
        string scores = Scores(trained, "trained");
        Assert.Equal(8, scores.Split(' ').Length);
        Assert.Equal(scores, Scores(reloaded, "reloaded"));
    }

    /// <summary>
    /// With Microsoft.ML.TorchSharp referenced too, the app restores (TorchSharp resolved to 0.107.0, loaded once),
    /// builds, and constructs both pipelines in one process; ML.NET's trainer cannot train on TorchSharp 0.107 (its
    /// weight-init helpers dispose the weights they initialise), while ours tokenizes and runs a forward pass after it.
    /// </summary>
    [SkippableFact]
    [Trait("Category", "Slow")]
    public void AppReferencingMicrosoftMLTorchSharpToo()
    {
        Skip.IfNot(OperatingSystem.IsLinux(), "The native patch is for Linux.");
        string app = _package.CreateApp("with-mlnet-torchsharp", ("Microsoft.ML.TorchSharp", BuildVersions.MLNetTorchSharp));
        CopySources("TorchSharpAlongside", app);
        string scratch = Directory.CreateDirectory(Path.Combine(app, "scratch")).FullName;

        string output = Run(app, "run", "--", TestPaths.TestData("MLNet", "tiny-unigram.model"), scratch);

        Assert.Contains("mlnet-pipeline: TextClassificationTrainer", output);
        Assert.Contains("mlnet-fit: InvalidOperationException: Tensor invalid -- empty handle.", output);
        Assert.Contains("ours-trainer: Key<UInt32, 0-1>", output);
        Assert.Contains("ours-tokenizer: 4x16", output);
        Assert.Contains("ours-forward: 4x2 finite=True", output);
        Assert.Contains($"torchsharp: {PackedLibrary.TorchSharpVersion}.0", output);
    }

    /// <summary>Copies TestData/PackageConsumers/<paramref name="name"/>/Program.cs and the apps' shared sources into <paramref name="app"/>.</summary>
    private static void CopySources(string name, string app)
    {
        File.Copy(TestPaths.TestData("PackageConsumers", name, "Program.cs"), Path.Combine(app, "Program.cs"));
        foreach (string shared in Directory.GetFiles(TestPaths.TestData("PackageConsumers", "Shared"), "*.cs"))
            File.Copy(shared, Path.Combine(app, Path.GetFileName(shared)));
    }

    private string Run(string directory, params string[] arguments)
    {
        var result = DotnetProcess.Run(arguments, CommandTimeout, directory);
        _output.WriteLine($"$ dotnet {string.Join(' ', arguments)}\n{result.StandardOutput}{result.StandardError}");
        Assert.True(result.ExitCode == 0, $"dotnet {string.Join(' ', arguments)} in {directory} exited with {result.ExitCode}:\n{result.StandardOutput}\n{result.StandardError}");
        return result.StandardOutput;
    }
}
