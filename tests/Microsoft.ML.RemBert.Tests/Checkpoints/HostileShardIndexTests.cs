using System.Text;
using Microsoft.ML.RemBert.Checkpoints;
using Microsoft.ML.RemBert.Tests.Infrastructure;
using Xunit;

namespace Microsoft.ML.RemBert.Tests.Checkpoints;

/// <summary>A sharded checkpoint's *.index.json as a careless or hostile user writes it (issue 7, items 8 and 9).</summary>
public class HostileShardIndexTests
{
    private const string Shard = "model-00001-of-00001.safetensors";

    [Fact]
    public void AByteOrderMarkIsAccepted()
    {
        using var dir = WithIndex(new byte[] { 0xEF, 0xBB, 0xBF }.Concat(Encoding.UTF8.GetBytes($$$"""{"weight_map": {"w": "{{{Shard}}}"}}""")).ToArray());
        using var reader = CheckpointReader.Open(dir.Path);
        Assert.Equal(new[] { "w" }, reader.Keys);
    }

    [Fact]
    public void ADuplicateKeyIsAnErrorNamingTheFileAndTheKey()
    {
        using var dir = WithIndex(Encoding.UTF8.GetBytes($$$"""{"weight_map": {"w": "{{{Shard}}}", "w": "other.safetensors"}}"""));
        var error = Assert.Throws<CheckpointFormatException>(() => CheckpointReader.Open(dir.Path).Dispose());
        Assert.Equal(dir.File(CheckpointFileNames.SafeTensorsIndex), error.FilePath);
        Assert.Contains("'w'", error.Message);
        Assert.Contains("Duplicate", error.Message);
    }

    private static TemporaryDirectory WithIndex(byte[] index)
    {
        var dir = new TemporaryDirectory();
        File.WriteAllBytes(dir.File(Shard), HostileSafeTensorsTests.SafeTensorsBytes("""{"w": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]}}""", 4));
        File.WriteAllBytes(dir.File(CheckpointFileNames.SafeTensorsIndex), index);
        return dir;
    }
}
