using Microsoft.ML.RemBert.Tests.Infrastructure;
using Microsoft.ML.RemBert.Tests.MLNet;
using Xunit;

namespace Microsoft.ML.RemBert.Tests.Commands;

/// <summary>
/// The built <c>rembert</c> CLI as a build without the default model's weights would ship it: the DefaultModel project's
/// sources and project file are compiled again, in a directory with no <c>Model/</c> beside them (what a build before
/// models/default/build.sh sees), and that assembly replaces the embedded one in a copy of the CLI's directory. The other
/// files are symbolic links to the real ones (libtorch alone is about 1 GB).
/// </summary>
internal sealed class CliWithoutDefaultWeights : IDisposable
{
    private static readonly TimeSpan BuildTimeout = TimeSpan.FromMinutes(3);
    private const string DefaultModelAssembly = "Microsoft.ML.RemBert.DefaultModel.dll";
    private static readonly string[] CopiedFromCli = ["rembert.dll", "rembert.deps.json", "rembert.runtimeconfig.json"];
    private readonly TemporaryDirectory _root = new();

    public CliWithoutDefaultWeights()
    {
        string source = Path.Combine(TestPaths.RepoRoot, "src", "Microsoft.ML.RemBert.DefaultModel");
        string project = Path.Combine(_root.Path, "src", "Microsoft.ML.RemBert.DefaultModel");
        Directory.CreateDirectory(project);
        foreach (var file in Directory.EnumerateFiles(source).Where(file => Path.GetExtension(file) is ".cs" or ".csproj" or ".txt"))
            File.Copy(file, Path.Combine(project, Path.GetFileName(file)));
        // The repository's build settings (target framework, analyzers, central package versions), imported from here.
        foreach (var settings in new[] { "Directory.Build.props", "Directory.Build.targets", "Directory.Packages.props" })
            File.WriteAllText(Path.Combine(_root.Path, settings), $"<Project><Import Project=\"{Path.Combine(TestPaths.RepoRoot, settings)}\" /></Project>\n");

        string built = Path.Combine(_root.Path, "built");
        var build = DotnetProcess.Run(["build", project, "-c", TestPaths.BuildConfiguration, "-o", built], BuildTimeout);
        Assert.True(build.ExitCode == 0, $"building the DefaultModel project without Model/ failed:\n{build.StandardOutput}\n{build.StandardError}");

        string cli = Path.GetDirectoryName(RembertCli.FindAssembly())!;
        Directory.CreateDirectory(Application);
        foreach (var entry in Directory.EnumerateFileSystemEntries(cli))
        {
            string name = Path.GetFileName(entry), target = Path.Combine(Application, name);
            if (name == DefaultModelAssembly)
                File.Copy(Path.Combine(built, name), target);
            else if (CopiedFromCli.Contains(name)) // the host takes the application's directory from rembert.dll's real path
                File.Copy(entry, target);
            else
                File.CreateSymbolicLink(target, entry);
        }
    }

    /// <summary>The directory holding the weightless CLI.</summary>
    public string Application => Path.Combine(_root.Path, "cli");

    public DotnetProcess.Result Run(params string[] arguments) =>
        DotnetProcess.Run(arguments.Prepend(Path.Combine(Application, "rembert.dll")), TimeSpan.FromMinutes(2));

    public void Dispose() => _root.Dispose();
}
