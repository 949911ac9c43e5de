using System.Text;
using Microsoft.ML.RemBert.Checkpoints;
using Microsoft.ML.RemBert.Tests.Infrastructure;
using Xunit;

namespace Microsoft.ML.RemBert.Tests.Checkpoints;

/// <summary>Crafted safetensors headers (issue 7, items 5 and 8): one CheckpointFormatException naming the file, the key and the fault.</summary>
public class HostileSafeTensorsTests
{
    [Fact]
    public void AnEntryWithoutDataOffsetsIsNamed()
    {
        var error = AssertRefused("""{"w": {"dtype": "F32", "shape": [2]}}""", 8);
        Assert.Contains("key 'w' has no data_offsets", error.Message);
    }

    [Fact]
    public void AShapeWhoseProductOverflowsIsNamed()
    {
        var error = AssertRefused("""{"w": {"dtype": "F32", "shape": [4294967296, 4294967296], "data_offsets": [0, 8]}}""", 8);
        Assert.Contains("key 'w'", error.Message);
        Assert.Contains("overflows", error.Message);
    }

    [Fact]
    public void AHeaderOverTheSizeCapSaysSoWithBothNumbers()
    {
        using var dir = new TemporaryDirectory();
        string path = dir.File(CheckpointFileNames.SafeTensors);
        const long claimed = 200_000_000;
        File.WriteAllBytes(path, BitConverter.GetBytes(claimed).Concat(Encoding.ASCII.GetBytes("{}")).ToArray());
        var error = AssertRefused(path);
        Assert.Contains(claimed.ToString(), error.Message);
        Assert.Contains(SafeTensorsFile.MaxHeaderBytes.ToString(), error.Message);
        Assert.Contains("over the", error.Message);
        Assert.DoesNotContain("truncated", error.Message);
    }

    [Theory]
    [InlineData("""[0, 99999999999999999999999]""", "data_offsets value 99999999999999999999999")]
    [InlineData("""[0, 1e30]""", "data_offsets value 1e30")]
    public void AnIntegerTooLargeIsOutOfRangeNotNotAnInteger(string offsets, string named)
    {
        var error = AssertRefused($$$"""{"w": {"dtype": "F32", "shape": [2], "data_offsets": {{{offsets}}}}}""", 8);
        Assert.Contains("key 'w'", error.Message);
        Assert.Contains(named, error.Message);
        Assert.Contains("out of range", error.Message);
    }

    [Fact]
    public void AFractionIsNotAnInteger()
    {
        var error = AssertRefused("""{"w": {"dtype": "F32", "shape": [2.5], "data_offsets": [0, 8]}}""", 8);
        Assert.Contains("shape value 2.5, which is not an integer", error.Message);
    }

    [Fact]
    public void AnEntryThatIsNotAnObjectIsNamed()
    {
        var error = AssertRefused("""{"w": [1, 2]}""", 0);
        Assert.Contains("key 'w' is Array", error.Message);
    }

    [Fact]
    public void MetadataThatIsNotAnObjectIsNamed()
    {
        var error = AssertRefused("""{"__metadata__": 5}""", 0);
        Assert.Contains("__metadata__", error.Message);
    }

    [Fact]
    public void ADuplicateKeyIsNamed()
    {
        var error = AssertRefused("""{"w": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]}, "w": {"dtype": "F32", "shape": [1], "data_offsets": [4, 8]}}""", 8);
        Assert.Contains("'w'", error.Message);
        Assert.Contains("Duplicate", error.Message);
    }

    [Fact]
    public void AHeaderThatIsNotUtf8IsNamed()
    {
        // Found by SafeTensorsHeaderFuzzTests (seed 171): System.Text.Json parses it, then throws InvalidOperationException reading the key.
        using var dir = new TemporaryDirectory();
        string path = dir.File(CheckpointFileNames.SafeTensors);
        var header = Encoding.UTF8.GetBytes("""{"wx": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]}}""");
        header[3] = 0xFF; // inside the key
        File.WriteAllBytes(path, BitConverter.GetBytes((long)header.Length).Concat(header).Concat(new byte[4]).ToArray());
        var error = AssertRefused(path);
        Assert.Contains("not valid UTF-8", error.Message);
    }

    private static CheckpointFormatException AssertRefused(string header, int dataBytes)
    {
        using var dir = new TemporaryDirectory();
        string path = dir.File(CheckpointFileNames.SafeTensors);
        File.WriteAllBytes(path, SafeTensorsBytes(header, dataBytes));
        return AssertRefused(path);
    }

    private static CheckpointFormatException AssertRefused(string path)
    {
        var error = Assert.Throws<CheckpointFormatException>(() => CheckpointReader.OpenFile(path).Dispose());
        Assert.Equal(path, error.FilePath);
        Assert.Contains(path, error.Message);
        return error;
    }

    /// <summary>A safetensors file: the little-endian header length, the header, then <paramref name="dataBytes"/> zero bytes.</summary>
    internal static byte[] SafeTensorsBytes(string header, int dataBytes)
    {
        var json = Encoding.UTF8.GetBytes(header);
        return BitConverter.GetBytes((long)json.Length).Concat(json).Concat(new byte[dataBytes]).ToArray();
    }
}
