using System.Reflection;
using Microsoft.ML.Runtime;

namespace Microsoft.ML.RemBert.MLNet;

/// <summary>
/// Refuses, in one line, a Microsoft.ML outside the range this library is tested with. Our persistence code calls
/// ML.NET internals (see Persistence/MLNetInternalsAccess.cs) that any release may rename; on an untested version the
/// user would otherwise meet a MissingMethodException deep inside a save or load. The range comes from
/// Directory.Packages.props (AssemblyMetadata in the csproj), the same properties the package's nuspec declares.
/// The catalog entry points call <see cref="EnsureSupported"/> through <see cref="CheckedEnvironment"/>, and the model
/// loaders in a method of their own, each before the first method that calls ML.NET's internals is compiled (the JIT
/// fails a method whose calls it cannot bind before any line of it runs).
/// Thread-safe: the verdict is computed once, from assemblies that cannot change once loaded.
/// </summary>
internal static class MLNetVersionCheck
{
    private const string MinimumKey = "RemBertMLNetMinimumVersion";
    private const string ExclusiveMaximumKey = "RemBertMLNetExclusiveMaximumVersion";

    private static readonly Lazy<string?> Verdict = new(() => Check(LoadedAssemblies(), SupportedRange()));

    /// <summary>The supported range, <c>[Minimum, ExclusiveMaximum)</c>, as built into this assembly.</summary>
    public static (Version Minimum, Version ExclusiveMaximum) SupportedRange()
    {
        var metadata = typeof(MLNetVersionCheck).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .ToDictionary(a => a.Key, a => a.Value);
        Version Read(string key) => metadata.TryGetValue(key, out var value) && Version.TryParse(value, out var version)
            ? version
            : throw new InvalidOperationException($"Microsoft.ML.RemBert was built without a valid assembly metadata '{key}' (got '{value}').");
        return (Read(MinimumKey), Read(ExclusiveMaximumKey));
    }

    /// <summary>Throws <see cref="NotSupportedException"/> when the loaded Microsoft.ML is outside the supported range.</summary>
    public static void EnsureSupported()
    {
        if (Verdict.Value is { } error) throw new NotSupportedException(error);
    }

    /// <summary>
    /// The one-line error for the first of <paramref name="loaded"/> (assembly name, its informational version, its
    /// location) outside <paramref name="range"/>, or null when all are inside.
    /// </summary>
    internal static string? Check(IEnumerable<(string Name, string? InformationalVersion, string Location)> loaded,
        (Version Minimum, Version ExclusiveMaximum) range)
    {
        string supported = $"[{range.Minimum}, {range.ExclusiveMaximum})";
        foreach (var (name, informational, location) in loaded)
        {
            var version = ParseVersion(informational);
            if (version is not null && version >= range.Minimum && version < range.ExclusiveMaximum) continue;
            string found = version is null ? $"a version that cannot be read ('{informational}')" : version.ToString();
            return $"Microsoft.ML.RemBert supports Microsoft.ML {supported} (it uses ML.NET's internal persistence API), " +
                   $"but {name} {found} is loaded from '{location}': reference a Microsoft.ML version in that range.";
        }
        return null;
    }

    /// <summary>
    /// The release of an ML.NET assembly from its informational version (<c>6.0.0+commit</c>; ML.NET's assembly
    /// versions are all 1.0.0.0). A pre-release counts as its release (7.0.0-preview.1 is 7.0.0: untested).
    /// </summary>
    internal static Version? ParseVersion(string? informationalVersion)
    {
        if (string.IsNullOrEmpty(informationalVersion)) return null;
        int end = informationalVersion.IndexOfAny(['+', '-']);
        string release = end < 0 ? informationalVersion : informationalVersion[..end];
        return Version.TryParse(release, out var version) && version.Build >= 0 ? new Version(version.Major, version.Minor, version.Build) : null;
    }

    /// <summary>The ML.NET assemblies whose internals we use: Microsoft.ML.Core and Microsoft.ML.Data.</summary>
    private static IEnumerable<(string, string?, string)> LoadedAssemblies() =>
        new[] { typeof(IHostEnvironment).Assembly, typeof(MLContext).Assembly }.Select(a => (
            a.GetName().Name ?? a.FullName ?? "?",
            a.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion,
            a.Location));
}
