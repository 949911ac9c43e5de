using System.Diagnostics;
using Microsoft.ML.RemBert.Tests.Infrastructure;
using Xunit;

namespace Microsoft.ML.RemBert.Tests.Runtime;

/// <summary>
/// Checks the build step of build/Microsoft.ML.RemBert.targets with binutils' readelf as an independent oracle:
/// the copy in our output folder has GLIBCXX_3.4.32 weak exactly when the system libstdc++ lacks it, and the
/// NuGet cache's copy is never modified.
/// </summary>
public class NativePatchTests
{
    private const string NeededVersion = "GLIBCXX_3.4.32";

    [SkippableFact]
    public void OutputCopyIsWeakenedOnlyWhereNeededAndCacheIsUntouched()
    {
        Skip.IfNot(OperatingSystem.IsLinux(), "The patch applies to Linux ELF files only.");
        Skip.If(FindOnPath("readelf") is null, "readelf (binutils) is not installed.");

        string output = Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native", "libLibTorchSharp.so");
        Assert.True(File.Exists(output), $"{output} is missing from the test output.");

        string systemLib = new[] { "/usr/lib/x86_64-linux-gnu/libstdc++.so.6", "/usr/lib64/libstdc++.so.6" }.First(File.Exists);
        bool systemHasVersion = File.ReadAllText(systemLib, System.Text.Encoding.Latin1).Contains(NeededVersion + "\0");

        Assert.Equal(!systemHasVersion, FlagsOf(output).Contains("WEAK"));

        string cache = Path.Combine(Environment.GetEnvironmentVariable("NUGET_PACKAGES")
                ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages"),
            "torchsharp", "0.107.0", "runtimes", "linux-x64", "native", "libLibTorchSharp.so");
        Skip.IfNot(File.Exists(cache), $"NuGet cache copy not found at {cache}.");
        Assert.DoesNotContain("WEAK", FlagsOf(cache));
    }

    /// <summary>The readelf -V line of the version requirement, e.g. "Name: GLIBCXX_3.4.32  Flags: WEAK  Version: 18".</summary>
    private static string FlagsOf(string path)
    {
        var psi = new ProcessStartInfo("readelf", new[] { "-V", "-W", path }) { RedirectStandardOutput = true };
        using var p = Process.Start(psi)!;
        string text = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        return text.Split('\n').Single(l => l.Contains("Name: " + NeededVersion));
    }

    private static string? FindOnPath(string tool) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':')
            .Select(d => Path.Combine(d, tool)).FirstOrDefault(File.Exists);
}
