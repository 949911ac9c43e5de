using Microsoft.ML.RemBert.Checkpoints;
using TorchSharp;
using Xunit;
using Microsoft.ML.RemBert.Tests.Infrastructure;

namespace Microsoft.ML.RemBert.Tests.Checkpoints;

/// <summary>torch.save layouts the reference fixtures do not contain, written by <see cref="TorchZipBuilder"/>.</summary>
public class TorchZipLayoutTests
{
    private static readonly float[] Twelve = Enumerable.Range(0, 12).Select(i => (float)i).ToArray();

    [Fact]
    public void ViewsWithOffsetsAndStridesIntoOneSharedStorage()
    {
        using var dir = new TemporaryDirectory();
        new TorchZipBuilder()
            .Storage("0", Twelve)
            .Tensor("transposed", "0", offset: 0, shape: new long[] { 2, 3 }, stride: new long[] { 1, 2 })
            .Tensor("tail", "0", offset: 6, shape: new long[] { 6 }, stride: new long[] { 1 })
            .Write(dir.File(CheckpointFileNames.PyTorch));

        using var reader = CheckpointReader.Open(dir.Path);
        using var transposed = reader.Read("transposed");
        using var tail = reader.Read("tail");

        // storage[0..6] viewed with strides (1, 2) is [[0, 2, 4], [1, 3, 5]].
        Assert.Equal(new float[] { 0, 2, 4, 1, 3, 5 }, transposed.data<float>().ToArray());
        Assert.Equal(new float[] { 6, 7, 8, 9, 10, 11 }, tail.data<float>().ToArray());
    }

    [Fact]
    public void AStorageShorterThanItsViewIsATruncatedFile()
    {
        using var dir = new TemporaryDirectory();
        new TorchZipBuilder()
            .Storage("0", Twelve)
            .Tensor("too_long", "0", offset: 4, shape: new long[] { 10 }, stride: new long[] { 1 }, storageElements: 14)
            .Write(dir.File(CheckpointFileNames.PyTorch));

        var error = Assert.Throws<CheckpointFormatException>(() => CheckpointReader.Open(dir.Path));
        Assert.Contains("'too_long'", error.Message);
        Assert.Contains("truncated", error.Message);
        Assert.Equal(dir.File(CheckpointFileNames.PyTorch), error.FilePath);
    }

    [Fact]
    public void AMissingStorageEntryIsNamed()
    {
        using var dir = new TemporaryDirectory();
        new TorchZipBuilder()
            .Storage("0", Twelve)
            .Tensor("orphan", "7", offset: 0, shape: new long[] { 2 }, stride: new long[] { 1 }, storageElements: 2)
            .Write(dir.File(CheckpointFileNames.PyTorch));

        var error = Assert.Throws<CheckpointFormatException>(() => CheckpointReader.Open(dir.Path));
        Assert.Contains("archive/data/7", error.Message);
    }
}
