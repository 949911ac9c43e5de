using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Microsoft.ML.RemBert.Tests.Runtime;

/// <summary>Where TorchSharp's native libLibTorchSharp.so is for this machine's architecture, and readelf as an independent reader of it.</summary>
internal static class LibTorchSharpFiles
{
    /// <summary>The GLIBCXX version the build step makes weak.</summary>
    public const string WeakenedVersion = "GLIBCXX_3.4.32";

    /// <summary>The runtime identifier TorchSharp ships native files under for this process (linux-x64, linux-arm64, ...).</summary>
    public static string Rid { get; } = "linux-" + RuntimeInformation.ProcessArchitecture.ToString().ToLowerInvariant();

    /// <summary>The copy the build put in the test output (patched by the build step).</summary>
    public static string OutputCopy => Path.Combine(AppContext.BaseDirectory, "runtimes", Rid, "native", "libLibTorchSharp.so");

    /// <summary>The original in the NuGet cache, which the build step must never modify.</summary>
    public static string CacheCopy => Path.Combine(Environment.GetEnvironmentVariable("NUGET_PACKAGES")
            ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages"),
        "torchsharp", "0.107.0", "runtimes", Rid, "native", "libLibTorchSharp.so");

    /// <summary>True where readelf (binutils) is on PATH.</summary>
    public static bool HasReadElf { get; } = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':')
        .Select(d => Path.Combine(d, "readelf")).Any(File.Exists);

    /// <summary>The readelf -V line of <see cref="WeakenedVersion"/>, e.g. "Name: GLIBCXX_3.4.32  Flags: WEAK  Version: 18".</summary>
    public static string VersionNeedLine(string path)
    {
        var psi = new ProcessStartInfo("readelf", new[] { "-V", "-W", path }) { RedirectStandardOutput = true };
        using var p = Process.Start(psi)!;
        string text = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        return text.Split('\n').Single(l => l.Contains("Name: " + WeakenedVersion, StringComparison.Ordinal));
    }
}
