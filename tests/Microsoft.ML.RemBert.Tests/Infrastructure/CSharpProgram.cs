using System.Reflection;
using System.Runtime.Loader;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Microsoft.ML.RemBert.Tests.Infrastructure;

/// <summary>
/// Compiles a C# program (top-level statements, as a README shows it) against the assemblies a user of the package
/// references — the real ML.NET, not the publicized copies — and runs it in this process or in a child process.
/// </summary>
internal static class CSharpProgram
{
    /// <summary>Compiles <paramref name="source"/>; errors fail with every diagnostic and its line.</summary>
    public static Assembly Compile(string source, string name)
    {
        using var image = new MemoryStream();
        Emit(source, name, image);
        image.Position = 0;
        return AssemblyLoadContext.Default.LoadFromStream(image);
    }

    /// <summary>
    /// Runs <paramref name="source"/> in a child process (for what may crash the process, or must measure a process of
    /// its own): compiles it next to the test assembly, so that the test assembly's deps.json resolves its references,
    /// runs it with <paramref name="arguments"/>, and deletes it.
    /// </summary>
    public static DotnetProcess.Result RunInChildProcess(string source, string name, IEnumerable<string> arguments, TimeSpan timeout)
    {
        string path = Path.Combine(AppContext.BaseDirectory, $"{name}-{Guid.NewGuid():N}.dll");
        try
        {
            using (var file = File.Create(path))
                Emit(source, Path.GetFileNameWithoutExtension(path), file);
            string tests = Path.Combine(AppContext.BaseDirectory, typeof(CSharpProgram).Assembly.GetName().Name!);
            return DotnetProcess.Run(["exec", "--depsfile", tests + ".deps.json", "--runtimeconfig", tests + ".runtimeconfig.json", path, .. arguments],
                timeout);
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static void Emit(string source, string name, Stream output)
    {
        var tree = CSharpSyntaxTree.ParseText(source, new CSharpParseOptions(LanguageVersion.Latest), path: name + ".cs");
        var references = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Where(path => path.EndsWith(".dll", StringComparison.OrdinalIgnoreCase))
            .Select(path => MetadataReference.CreateFromFile(path));
        var globalUsings = CSharpSyntaxTree.ParseText(
            "global using System; global using System.IO; global using System.Linq; global using System.Collections.Generic; global using System.Threading;",
            new CSharpParseOptions(LanguageVersion.Latest));
        var compilation = CSharpCompilation.Create(name, [tree, globalUsings], references,
            new CSharpCompilationOptions(OutputKind.ConsoleApplication, nullableContextOptions: NullableContextOptions.Enable));
        var result = compilation.Emit(output);
        var errors = result.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
        if (!result.Success)
            throw new InvalidOperationException($"{name} does not compile:\n{string.Join('\n', errors)}");
    }

    /// <summary>Runs the program's entry point; an exception it throws is rethrown as is.</summary>
    public static void Run(Assembly program)
    {
        var entry = program.EntryPoint ?? throw new InvalidOperationException($"{program.GetName().Name} has no entry point.");
        try
        {
            entry.Invoke(null, entry.GetParameters().Length == 0 ? null : [Array.Empty<string>()]);
        }
        catch (TargetInvocationException ex) when (ex.InnerException is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(ex.InnerException).Throw();
        }
    }
}
