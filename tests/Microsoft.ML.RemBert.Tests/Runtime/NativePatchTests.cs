using Xunit;

namespace Microsoft.ML.RemBert.Tests.Runtime;

/// <summary>
/// Checks the build step of build/Microsoft.ML.RemBert.targets with binutils' readelf as an independent oracle:
/// with the default (<c>auto</c>) the copy in our output folder always has GLIBCXX_3.4.32 weak, whatever this
/// machine's libstdc++ has (the app may be deployed to an older system), and the NuGet cache's copy is never modified.
/// </summary>
public class NativePatchTests
{
    [SkippableFact]
    public void OutputCopyIsWeakenedAndCacheIsUntouched()
    {
        Skip.IfNot(OperatingSystem.IsLinux(), "The patch applies to Linux ELF files only.");
        Skip.IfNot(LibTorchSharpFiles.HasReadElf, "readelf (binutils) is not installed.");

        string output = LibTorchSharpFiles.OutputCopy;
        Assert.True(File.Exists(output), $"{output} is missing from the test output.");
        Assert.Contains("WEAK", LibTorchSharpFiles.VersionNeedLine(output), StringComparison.Ordinal);

        string cache = LibTorchSharpFiles.CacheCopy;
        Skip.IfNot(File.Exists(cache), $"NuGet cache copy not found at {cache}.");
        Assert.DoesNotContain("WEAK", LibTorchSharpFiles.VersionNeedLine(cache), StringComparison.Ordinal);
    }
}
