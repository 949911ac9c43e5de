using Microsoft.ML.RemBert.MLNet;
using Microsoft.ML.RemBert.Trainers;
using Microsoft.ML.RemBert.Tests.Infrastructure;
using Xunit;

namespace Microsoft.ML.RemBert.Tests.MLNet;

/// <summary>The one-line refusal of a Microsoft.ML outside the tested range (<see cref="MLNetVersionCheck"/>).</summary>
public class MLNetVersionCheckTests
{
    private static readonly (Version, Version) Range = (new Version(5, 0, 1), new Version(7, 0, 0));

    [Fact]
    public void TheRangeBuiltIntoTheLibraryIsTheOneDirectoryPackagesPropsDeclares()
    {
        var (minimum, exclusiveMaximum) = MLNetVersionCheck.SupportedRange();
        Assert.Equal(Version.Parse(BuildVersions.MLNetMinimum), minimum);
        Assert.True(Version.Parse(BuildVersions.MLNet) < exclusiveMaximum, $"{BuildVersions.MLNet} is built with but is outside [{minimum}, {exclusiveMaximum}).");
    }

    [Fact]
    public void TheMicrosoftMLOfThisRunIsTheOneWeBuildWithAndPasses()
    {
        string? informational = System.Reflection.CustomAttributeExtensions
            .GetCustomAttribute<System.Reflection.AssemblyInformationalVersionAttribute>(typeof(MLContext).Assembly)?.InformationalVersion;
        Assert.Equal(Version.Parse(BuildVersions.MLNet), MLNetVersionCheck.ParseVersion(informational));
        MLNetVersionCheck.EnsureSupported();
        // And a catalog entry point, which checks first, still works.
        Assert.NotNull(new MLContext().MulticlassClassification.Trainers.RemBert(new RemBertTextClassificationOptions()));
    }

    [Theory]
    [InlineData("5.0.1+a4f730ec0c9106c2c9ef9e1fa34011374115fb98", "5.0.1")]
    [InlineData("6.0.0+6eff5ccedce81728c927bfa0155284aadd38531d", "6.0.0")]
    [InlineData("7.0.0-preview.1.26101.1+abc", "7.0.0")]
    [InlineData("6.1.2", "6.1.2")]
    [InlineData("6.1", null)]
    [InlineData("", null)]
    [InlineData(null, null)]
    [InlineData("not a version", null)]
    public void ReadsTheReleaseFromTheInformationalVersion(string? informational, string? expected)
    {
        Assert.Equal(expected is null ? null : Version.Parse(expected), MLNetVersionCheck.ParseVersion(informational));
    }

    [Theory]
    [InlineData("5.0.1+x")]
    [InlineData("5.2.0")]
    [InlineData("6.0.0+y")]
    [InlineData("6.99.99")]
    public void VersionsInsideTheRangePass(string informational)
    {
        Assert.Null(MLNetVersionCheck.Check(Loaded(informational), Range));
    }

    [Theory]
    [InlineData("5.0.0+x", "5.0.0")]
    [InlineData("4.0.2", "4.0.2")]
    [InlineData("7.0.0+z", "7.0.0")]
    [InlineData("7.0.0-preview.3", "7.0.0")]
    [InlineData("8.1.0", "8.1.0")]
    public void VersionsOutsideTheRangeAreRefusedInOneLineNamingBoth(string informational, string found)
    {
        string? error = MLNetVersionCheck.Check(Loaded(informational), Range);
        Assert.NotNull(error);
        Assert.DoesNotContain('\n', error);
        Assert.Contains($"Microsoft.ML.Core {found} is loaded from '/fake/Microsoft.ML.Core.dll'", error);
        Assert.Contains("supports Microsoft.ML [5.0.1, 7.0.0)", error);
    }

    [Fact]
    public void AnUnreadableVersionIsRefusedAndQuoted()
    {
        string? error = MLNetVersionCheck.Check(Loaded(null), Range);
        Assert.Contains("a version that cannot be read ('')", error);
    }

    [Fact]
    public void OneAssemblyOutsideTheRangeIsEnough()
    {
        var loaded = new[] { ("Microsoft.ML.Core", (string?)"6.0.0", "/a"), ("Microsoft.ML.Data", (string?)"7.1.0", "/b") };
        Assert.Contains("Microsoft.ML.Data 7.1.0 is loaded from '/b'", MLNetVersionCheck.Check(loaded, Range));
    }

    private static (string, string?, string)[] Loaded(string? informational) =>
        [("Microsoft.ML.Core", informational, "/fake/Microsoft.ML.Core.dll")];
}
