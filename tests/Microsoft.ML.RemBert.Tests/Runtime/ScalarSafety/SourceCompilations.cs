using System.Xml.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.ML.RemBert.Tests.Infrastructure;

namespace Microsoft.ML.RemBert.Tests.Runtime.ScalarSafety;

/// <summary>
/// Compiles our projects' sources in process, as their builds do (same references, implicit usings, linked files),
/// so that every expression binds to the TorchSharp member the real build calls.
/// </summary>
internal static class SourceCompilations
{
    /// <summary>The SDK's implicit usings for Microsoft.NET.Sdk with ImplicitUsings enabled.</summary>
    private const string ImplicitUsings =
        "global using global::System; global using global::System.Collections.Generic; global using global::System.IO; " +
        "global using global::System.Linq; global using global::System.Net.Http; global using global::System.Threading; " +
        "global using global::System.Threading.Tasks;";

    private static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Preview);

    /// <summary>
    /// The references the test project compiled against minus our own assemblies, written by the
    /// _WriteScanCompileReferences target of the test project: packages (TorchSharp, ML.NET with the publicized
    /// copies of its internals, System.CommandLine, ...) and the framework.
    /// </summary>
    public static IReadOnlyList<MetadataReference> PackageReferences { get; } = LoadPackageReferences();

    public static string TorchSharpPath =>
        File.ReadAllLines(ReferencesFile).Single(path => Path.GetFileName(path) == "TorchSharp.dll");

    private static string ReferencesFile => Path.Combine(AppContext.BaseDirectory, "scan-compile-references.txt");

    /// <summary>The library, the default model and the CLI, each referencing the ones before it, as their projects do.</summary>
    public static IReadOnlyList<CSharpCompilation> Src()
    {
        var library = Project("src/Microsoft.ML.RemBert/Microsoft.ML.RemBert.csproj");
        var defaultModel = Project("src/Microsoft.ML.RemBert.DefaultModel/Microsoft.ML.RemBert.DefaultModel.csproj", library);
        var cli = Project("src/Microsoft.ML.RemBert.Cli/Microsoft.ML.RemBert.Cli.csproj", library, defaultModel);
        return [library, defaultModel, cli];
    }

    /// <summary>The benchmarks that drive TorchSharp directly, against the library compilation.</summary>
    public static IReadOnlyList<CSharpCompilation> Benchmarks(CSharpCompilation library)
    {
        var benchmarks = Path.Combine(TestPaths.RepoRoot, "benchmarks");
        return Directory.GetFiles(benchmarks, "*.csproj", SearchOption.AllDirectories)
            .Where(csproj => ProjectReferences(csproj).Any(r => r.EndsWith("Microsoft.ML.RemBert.csproj", StringComparison.Ordinal)))
            .Where(csproj => !ProjectReferences(csproj).Any(r => r.Contains("DefaultModel", StringComparison.Ordinal)))
            .Order(StringComparer.Ordinal)
            .Select(csproj => Project(Path.GetRelativePath(TestPaths.RepoRoot, csproj), library))
            .ToList();
    }

    /// <summary>One C# file compiled on its own against the packages (the scanner's self-check).</summary>
    public static CSharpCompilation Snippet(string source, string path) =>
        CSharpCompilation.Create("Snippet",
            [CSharpSyntaxTree.ParseText(source, ParseOptions, path), CSharpSyntaxTree.ParseText(ImplicitUsings, ParseOptions)],
            PackageReferences, new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));

    /// <summary>
    /// Errors that would make the scan miss calls: a compilation must bind as the real build does. The one error
    /// allowed is the missing body of a [GeneratedRegex] method (CS8795), which the Regex source generator writes in the
    /// real build: it never touches a tensor, and the call sites still bind to the declaration.
    /// </summary>
    public static IReadOnlyList<Diagnostic> Errors(Compilation compilation) =>
        compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error && d.Id != "CS8795").ToList();

    private static CSharpCompilation Project(string relativeCsproj, params CSharpCompilation[] references)
    {
        var csproj = Path.Combine(TestPaths.RepoRoot, relativeCsproj);
        var directory = Path.GetDirectoryName(csproj)!;
        var document = XDocument.Load(csproj);
        var removed = document.Descendants("Compile").Select(e => (string?)e.Attribute("Remove")).OfType<string>()
            .Select(pattern => Path.GetFullPath(Path.Combine(directory, pattern.Replace("/**", "")))).ToList();
        var own = Directory.GetFiles(directory, "*.cs", SearchOption.AllDirectories)
            .Where(file => !IsUnder(file, Path.Combine(directory, "bin")) && !IsUnder(file, Path.Combine(directory, "obj")))
            .Where(file => !removed.Any(r => IsUnder(file, r)));
        var linked = document.Descendants("Compile").Select(e => (string?)e.Attribute("Include")).OfType<string>()
            .SelectMany(include => include.Split(';', StringSplitOptions.RemoveEmptyEntries))
            .SelectMany(pattern => Expand(directory, pattern));
        var trees = own.Concat(linked).Select(Path.GetFullPath).Distinct().Order(StringComparer.Ordinal)
            .Select(file => CSharpSyntaxTree.ParseText(File.ReadAllText(file), ParseOptions, file))
            .Append(CSharpSyntaxTree.ParseText(ImplicitUsings, ParseOptions))
            .Append(CSharpSyntaxTree.ParseText(InternalsVisibleTo(document), ParseOptions));
        var outputKind = document.Descendants("OutputType").Any(e => e.Value == "Exe") ? OutputKind.ConsoleApplication : OutputKind.DynamicallyLinkedLibrary;
        var allowUnsafe = document.Descendants("AllowUnsafeBlocks").Any(e => e.Value == "true");
        // The project's AssemblyName (the CLI's is "rembert"), which the library's InternalsVisibleTo names.
        var assemblyName = document.Descendants("AssemblyName").Select(e => e.Value).FirstOrDefault() ?? Path.GetFileNameWithoutExtension(csproj);
        return CSharpCompilation.Create(assemblyName, trees,
            PackageReferences.Concat(references.Select(r => r.ToMetadataReference())),
            new CSharpCompilationOptions(outputKind, nullableContextOptions: NullableContextOptions.Enable, allowUnsafe: allowUnsafe));
    }

    /// <summary>The attributes the SDK generates from InternalsVisibleTo items (benchmarks use the library's internals).</summary>
    private static string InternalsVisibleTo(XDocument csproj) =>
        string.Concat(csproj.Descendants("InternalsVisibleTo").Select(e => (string?)e.Attribute("Include")).OfType<string>()
            .Select(name => $"[assembly: System.Runtime.CompilerServices.InternalsVisibleTo(\"{name}\")]\n"));

    private static IEnumerable<string> ProjectReferences(string csproj) =>
        XDocument.Load(csproj).Descendants("ProjectReference").Select(e => (string?)e.Attribute("Include")).OfType<string>();

    /// <summary>A Compile Include: a file, or a file-name pattern with * in one folder (all our projects use).</summary>
    private static IEnumerable<string> Expand(string directory, string pattern)
    {
        var full = Path.GetFullPath(Path.Combine(directory, pattern.Replace('\\', '/')));
        var folder = Path.GetDirectoryName(full)!;
        var name = Path.GetFileName(full);
        return name.Contains('*', StringComparison.Ordinal) ? Directory.GetFiles(folder, name) : [full];
    }

    private static bool IsUnder(string file, string folder) =>
        Path.GetFullPath(file).StartsWith(Path.TrimEndingDirectorySeparator(Path.GetFullPath(folder)) + Path.DirectorySeparatorChar, StringComparison.Ordinal);

    private static List<MetadataReference> LoadPackageReferences()
    {
        if (!File.Exists(ReferencesFile))
            throw new InvalidOperationException($"{ReferencesFile} is missing: the test project's _WriteScanCompileReferences target writes it when the project builds.");
        return File.ReadAllLines(ReferencesFile).Where(line => line.Length > 0)
            .Select(path => (MetadataReference)MetadataReference.CreateFromFile(path)).ToList();
    }
}
