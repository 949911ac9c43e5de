using System.Reflection;

namespace Microsoft.ML.RemBert.Tests.Infrastructure;

/// <summary>
/// Package versions from Directory.Packages.props, compiled into this test assembly as AssemblyMetadata (the csproj),
/// so the tests use the same numbers as the build without a copy of them.
/// </summary>
public static class BuildVersions
{
    private static readonly Dictionary<string, string?> Metadata = typeof(BuildVersions).Assembly
        .GetCustomAttributes<AssemblyMetadataAttribute>().ToDictionary(a => a.Key, a => a.Value);

    /// <summary>The lowest Microsoft.ML the package supports.</summary>
    public static string MLNetMinimum => Read("RemBertMLNetMinimumVersion");

    /// <summary>The Microsoft.ML the repository builds and tests with: the highest tested.</summary>
    public static string MLNet => Read("RemBertMLNetVersion");

    /// <summary>The Microsoft.ML.OnnxConverter that pairs with <see cref="MLNetMinimum"/>.</summary>
    public static string OnnxConverterMinimum => Read("RemBertOnnxConverterMinimumVersion");

    /// <summary>The Microsoft.ML.OnnxConverter that pairs with <see cref="MLNet"/>.</summary>
    public static string OnnxConverter => Read("RemBertOnnxConverterVersion");

    /// <summary>ML.NET's TorchSharp trainers, put beside ours by PackageConsumerTests.</summary>
    public static string MLNetTorchSharp => Read("RemBertMLNetTorchSharpVersion");

    /// <summary>The NuGet global packages folder the build restored into.</summary>
    public static string NuGetPackageRoot => Read("NuGetPackageRoot");

    private static string Read(string key) => Metadata.TryGetValue(key, out var value) && !string.IsNullOrEmpty(value)
        ? value
        : throw new InvalidOperationException($"The test assembly has no AssemblyMetadata '{key}'; see Microsoft.ML.RemBert.Tests.csproj.");
}
