// Source of the inline MSBuild task "RemBertPublicizeAssemblies" (RoslynCodeTaskFactory, Type="Class").
// See MLNetPublicizer.targets for why it exists. It rewrites compile-time copies of ML.NET assemblies so that
// every type and every internal member is public; the copies are only handed to the C# compiler, never deployed.

using System;
using System.IO;
using System.Reflection;
using System.Runtime.CompilerServices;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

public sealed class RemBertPublicizeAssemblies : Task
{
    /// <summary>The package's compile references to rewrite.</summary>
    [Required] public ITaskItem[] Assemblies { get; set; }

    /// <summary>Where the rewritten copies go (same file names).</summary>
    [Required] public string OutputDirectory { get; set; }

    /// <summary>Full path of Mono.Cecil.dll (from the NuGet cache); loaded into this task's load context.</summary>
    [Required] public string CecilAssemblyPath { get; set; }

    public override bool Execute()
    {
        // The compiled inline task lives in a temporary folder, so the runtime cannot find Mono.Cecil next to it:
        // resolve it explicitly before the first method that touches Cecil types is JIT-compiled.
        // (RoslynCodeTaskFactory compiles against netstandard, hence AppDomain.AssemblyResolve, not AssemblyLoadContext.)
        AppDomain.CurrentDomain.AssemblyResolve += ResolveCecil;
        try
        {
            Directory.CreateDirectory(OutputDirectory);
            foreach (var item in Assemblies)
            {
                string source = item.GetMetadata("FullPath");
                string destination = Path.Combine(OutputDirectory, Path.GetFileName(source));
                PublicizeWithCecil(source, destination);
                Log.LogMessage(MessageImportance.Low, "Publicized {0} -> {1}", source, destination);
            }
            return !Log.HasLoggedErrors;
        }
        catch (Exception ex)
        {
            Log.LogError("Could not publicize ML.NET assemblies for compilation: {0}", ex);
            return false;
        }
        finally
        {
            AppDomain.CurrentDomain.AssemblyResolve -= ResolveCecil;
        }
    }

    private Assembly ResolveCecil(object sender, ResolveEventArgs args)
    {
        if (!string.Equals(new AssemblyName(args.Name).Name, "Mono.Cecil", StringComparison.OrdinalIgnoreCase))
            return null;
        return Assembly.LoadFrom(CecilAssemblyPath);
    }

    // Accessibility mapping: every type becomes public; internal members become public; "private protected" and
    // "protected internal" become protected, so that our subclasses override ML.NET's base members the way ML.NET's
    // own transformers do ("protected override"). Private members stay private: ML.NET's API is its internal
    // surface, and publishing private fields would only collide with our own names (CS0108 hiding warnings).
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void PublicizeWithCecil(string source, string destination)
    {
        var resolver = new Mono.Cecil.DefaultAssemblyResolver();
        resolver.AddSearchDirectory(Path.GetDirectoryName(source));
        // InMemory: the source file in the NuGet cache is read once and never held open or modified.
        var readerParameters = new Mono.Cecil.ReaderParameters { AssemblyResolver = resolver, InMemory = true };
        using var module = Mono.Cecil.ModuleDefinition.ReadModule(source, readerParameters);
        foreach (var type in module.GetTypes())
        {
            if (type.IsNested)
                type.IsNestedPublic = true;
            else
                type.IsPublic = true;
            foreach (var method in type.Methods)
            {
                if (method.IsFamilyAndAssembly || method.IsFamilyOrAssembly)
                    method.IsFamily = true;
                else if (method.IsAssembly)
                    method.IsPublic = true;
            }
            foreach (var field in type.Fields)
            {
                if (field.IsFamilyAndAssembly || field.IsFamilyOrAssembly)
                    field.IsFamily = true;
                else if (field.IsAssembly)
                    field.IsPublic = true;
            }
        }

        // Parallel builds (several projects referencing the library, or an IDE and a CLI build) may publicize at
        // the same time: each writes a private temporary file and renames it over the output, so a reader only
        // ever sees a complete assembly.
        string temporary = destination + "." + Guid.NewGuid().ToString("N") + ".tmp";
        try
        {
            module.Write(temporary);
            MoveOver(temporary, destination);
        }
        finally
        {
            if (File.Exists(temporary))
                File.Delete(temporary);
        }
    }

    // netstandard2.0 (what inline tasks compile against) has no File.Move(..., overwrite): File.Replace is the
    // atomic rename over an existing file, File.Move the one for a new file; a concurrent build may create the
    // destination between the two, hence the retry with Replace.
    private static void MoveOver(string temporary, string destination)
    {
        if (File.Exists(destination))
        {
            File.Replace(temporary, destination, destinationBackupFileName: null);
            return;
        }
        try
        {
            File.Move(temporary, destination);
        }
        catch (IOException) when (File.Exists(destination))
        {
            File.Replace(temporary, destination, destinationBackupFileName: null);
        }
    }
}
