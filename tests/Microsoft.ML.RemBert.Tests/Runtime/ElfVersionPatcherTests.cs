using Microsoft.Build.Utilities;
using Microsoft.ML.RemBert.Tests.Infrastructure;
using Xunit;

namespace Microsoft.ML.RemBert.Tests.Runtime;

/// <summary>
/// The build step's task (build/ElfVersionPatcher.cs, compiled into this assembly too) run directly: it weakens the
/// version in a real libLibTorchSharp.so, and a file it cannot read or does not understand gives a warning naming the
/// file and the reason, never an error, and is left unchanged.
/// </summary>
public sealed class ElfVersionPatcherTests : IDisposable
{
    private readonly TemporaryDirectory _work = new();

    public void Dispose() => _work.Dispose();

    public static TheoryData<string, string> UnusualFiles => new()
    {
        { "garbage", "it is not an ELF file." },
        { "short-elf", "its ELF header is truncated (10 bytes)." },
        { "elf32", "it is a 32-bit ELF file; only ELF64 is supported." },
        { "big-endian", "it is a big-endian ELF file" },
        { "no-verneed", "it has no .gnu.version_r section" },
    };

    [Theory]
    [MemberData(nameof(UnusualFiles))]
    public void UnusualFileGivesAWarningNamingFileAndReasonAndIsLeftAsItWas(string kind, string reason)
    {
        string path = Write(kind, kind switch
        {
            "garbage" => "this is not a shared library\n"u8.ToArray(),
            "short-elf" => new byte[] { 0x7f, (byte)'E', (byte)'L', (byte)'F', 2, 1, 1, 0, 0, 0 },
            "elf32" => ElfHeader(elfClass: 1, sectionCount: 0),
            "big-endian" => ElfHeader(dataEncoding: 2, sectionCount: 0),
            "no-verneed" => ElfHeader(sectionCount: 1).Concat(new byte[64]).ToArray(),
            _ => throw new ArgumentOutOfRangeException(nameof(kind)),
        });
        AssertWarnsAndLeavesUnchanged(path, reason);
    }

    [SkippableFact]
    public void TruncatedLibraryGivesAWarning()
    {
        byte[] original = ReadCacheCopy();
        string path = Write("libLibTorchSharp.so", original.AsSpan(0, 64 * 1024).ToArray());
        AssertWarnsAndLeavesUnchanged(path, "it is truncated or corrupt: section type at byte");
    }

    [SkippableFact]
    public void LibraryWithoutTheAllowedVersionGivesAWarning()
    {
        string path = Write("libLibTorchSharp.so", ReadCacheCopy());
        AssertWarnsAndLeavesUnchanged(path, "it requires none of the versions allowed to be made weak (GLIBCXX_9.9.99).",
            allowed: "GLIBCXX_9.9.99");
    }

    [SkippableTheory]
    [InlineData("auto")]
    [InlineData("true")]
    public void RealLibraryGetsTheVersionWeakWhateverThisMachineHas(string mode)
    {
        Skip.IfNot(LibTorchSharpFiles.HasReadElf, "readelf (binutils) is not installed.");
        string path = Write("libLibTorchSharp.so", ReadCacheCopy());
        Assert.DoesNotContain("WEAK", LibTorchSharpFiles.VersionNeedLine(path), StringComparison.Ordinal);

        var engine = Run(path, mode, LibTorchSharpFiles.WeakenedVersion, expectSuccess: true);
        Assert.Empty(engine.Errors);
        Assert.Contains("WEAK", LibTorchSharpFiles.VersionNeedLine(path), StringComparison.Ordinal);
        Assert.Contains(engine.Messages, m => m.Contains($"marked {LibTorchSharpFiles.WeakenedVersion} weak in {path}", StringComparison.Ordinal));

        // A second build finds it already weak: nothing to say, nothing rewritten.
        var again = Run(path, mode, LibTorchSharpFiles.WeakenedVersion, expectSuccess: true);
        Assert.Empty(again.Warnings);
        Assert.DoesNotContain(again.Messages, m => m.Contains("marked", StringComparison.Ordinal));
    }

    private void AssertWarnsAndLeavesUnchanged(string path, string reason, string allowed = LibTorchSharpFiles.WeakenedVersion)
    {
        byte[] before = File.ReadAllBytes(path);
        var engine = Run(path, "true", allowed, expectSuccess: true);
        Assert.Empty(engine.Errors);
        string warning = Assert.Single(engine.Warnings);
        Assert.Contains($"'{path}'", warning, StringComparison.Ordinal);
        Assert.Contains(reason, warning, StringComparison.Ordinal);
        Assert.Equal(before, File.ReadAllBytes(path));
    }

    private static RecordingBuildEngine Run(string path, string mode, string allowed, bool expectSuccess)
    {
        var engine = new RecordingBuildEngine();
        var task = new RemBertWeakenGlibcxxRequirement
        {
            BuildEngine = engine,
            Files = new[] { new TaskItem(path) },
            Mode = mode,
            AllowedVersions = allowed,
        };
        Assert.Equal(expectSuccess, task.Execute());
        return engine;
    }

    private string Write(string name, byte[] bytes)
    {
        string path = _work.File(name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private static byte[] ReadCacheCopy()
    {
        string cache = LibTorchSharpFiles.CacheCopy;
        Skip.IfNot(File.Exists(cache), $"NuGet cache copy not found at {cache}.");
        return File.ReadAllBytes(cache);
    }

    /// <summary>A 64-byte ELF header whose section header table (64-byte entries) starts right after it.</summary>
    private static byte[] ElfHeader(byte elfClass = 2, byte dataEncoding = 1, ushort sectionCount = 0)
    {
        var header = new byte[64];
        new byte[] { 0x7f, (byte)'E', (byte)'L', (byte)'F', elfClass, dataEncoding, 1 }.CopyTo(header, 0);
        BitConverter.GetBytes((ushort)3).CopyTo(header, 0x10); // e_type ET_DYN
        BitConverter.GetBytes(64L).CopyTo(header, 0x28); // e_shoff
        BitConverter.GetBytes((ushort)64).CopyTo(header, 0x3A); // e_shentsize
        BitConverter.GetBytes(sectionCount).CopyTo(header, 0x3C); // e_shnum
        return header;
    }
}
