using System.Text;
using Microsoft.ML.RemBert.IO;
using Microsoft.ML.RemBert.Tests.Hostile;
using Microsoft.ML.RemBert.Tests.Infrastructure;
using Xunit;

namespace Microsoft.ML.RemBert.Tests.IO;

/// <summary>The shared checks on every user-given input file, and the one BOM rule for JSON.</summary>
public sealed class BoundedInputFileTests : IDisposable
{
    private readonly HostileWorkspace workspace = new();

    public void Dispose() => workspace.Dispose();

    [Fact]
    public void DevZeroIsRefusedNamingItsKind()
    {
        var e = Assert.Throws<FileRefusedException>(() => BoundedInputFile.ReadAllBytes("/dev/zero", 1 << 20, "a SentencePiece model"));
        Assert.Equal("/dev/zero is a character device, not a regular file (expected a SentencePiece model).", e.Message);
    }

    [Fact]
    public void ADirectoryIsRefused()
    {
        var e = Assert.Throws<FileRefusedException>(() => BoundedInputFile.Open(workspace.Root, 100, "an inputs file"));
        Assert.Contains($"{workspace.Root} is a directory", e.Message);
    }

    [Fact]
    public void AFileOverTheCapIsRefusedNamingBothSizes()
    {
        string path = workspace.Write("big.json", new string(' ', 2000));
        var e = Assert.Throws<FileRefusedException>(() => BoundedInputFile.Open(path, 1000, "an inputs file"));
        Assert.Equal($"{path} is 2,000 bytes, more than the 1,000 accepted for an inputs file.", e.Message);
    }

    [Fact]
    public void AMissingFileIsNamed()
    {
        string path = workspace.PathOf("absent.json");
        var e = Assert.Throws<FileNotFoundException>(() => BoundedInputFile.Open(path, 1000, "an inputs file"));
        Assert.Contains(path, e.Message);
    }

    [Fact]
    public void ASymlinkToARegularFileIsRead()
    {
        workspace.Write("real.json", "{}");
        string link = workspace.PathOf("link.json");
        File.CreateSymbolicLink(link, "real.json");
        Assert.Equal("{}"u8.ToArray(), BoundedInputFile.ReadAllBytes(link, 100, "an inputs file"));
    }

    [Fact]
    public void JsonWithAUtf8BomParses()
    {
        string path = workspace.PathOf("bom.json");
        File.WriteAllBytes(path, [0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes("""{"a": 1}""")]);
        using var document = JsonInputFile.Parse(path, 100, "an inputs file");
        Assert.Equal(1, document.RootElement.GetProperty("a").GetInt32());
    }

    [Fact]
    public void MalformedJsonNamesFileLineAndPosition()
    {
        string path = workspace.Write("bad.json", "{\n  \"a\": [1,,2]\n}");
        var e = Assert.Throws<InvalidDataException>(() => JsonInputFile.Parse(path, 100, "an inputs file"));
        Assert.StartsWith($"{path}: not valid JSON at line 2, byte ", e.Message);
        Assert.DoesNotContain("LineNumber", e.Message);
    }
}
