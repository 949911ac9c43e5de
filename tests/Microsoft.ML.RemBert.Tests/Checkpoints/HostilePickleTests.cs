using System.Text;
using Microsoft.ML.RemBert.Checkpoints;
using Microsoft.ML.RemBert.Tests.Infrastructure;
using Xunit;

namespace Microsoft.ML.RemBert.Tests.Checkpoints;

/// <summary>Crafted torch.save pickles (issue 7, items 2 and 5): each is refused with one message naming the file and the fault, in bounded memory.</summary>
public class HostilePickleTests
{
    /// <summary>Bytes a refused pickle of a few kilobytes may allocate while being read and described.</summary>
    private const long AllocationBound = 64L << 20;

    private static readonly float[] Twelve = Enumerable.Range(0, 12).Select(i => (float)i).ToArray();

    [Fact]
    public void TuplesNested100000DeepAreRefusedAtTheDepthLimit()
    {
        // PROTO 2, then 100,000 x TUPLE1 around None: the probe that overflowed the stack (exit 134).
        var pickle = new List<byte> { 0x80, 2, (byte)'N' };
        pickle.AddRange(Enumerable.Repeat((byte)0x85, 100_000));
        pickle.Add((byte)'.');
        var error = AssertRefused(pickle.ToArray());
        Assert.Contains("data.pkl", error.Message);
        Assert.Contains(TorchPickleReader.MaxNestingDepth.ToString(), error.Message);
    }

    [Fact]
    public void ListsNestedDeepThroughAppendAreRefusedToo()
    {
        // EMPTY_LIST, then 1,000 x (EMPTY_LIST, swap in via APPEND): each new list holds the previous one.
        var pickle = new List<byte> { 0x80, 2, (byte)']' };
        for (int i = 0; i < 1_000; i++) pickle.AddRange(new byte[] { (byte)'q', 0, (byte)']', (byte)'h', 0, (byte)'a' });
        pickle.Add((byte)'.');
        var error = AssertRefused(pickle.ToArray());
        Assert.Contains(TorchPickleReader.MaxNestingDepth.ToString(), error.Message);
    }

    [Fact]
    public void TwoHundredLevelsOfSharedPairsAreDescribedWithinBudget()
    {
        // None, then 200 x (MEMOIZE-free DUP via BINPUT/BINGET, TUPLE2): a 1 KB DAG of 2^200 paths, the 3.3 GB probe.
        var pickle = new List<byte> { 0x80, 2, (byte)'N' };
        for (int i = 0; i < 200; i++) pickle.AddRange(new byte[] { (byte)'q', 0, (byte)'h', 0, 0x86 });
        pickle.Add((byte)'.');
        Assert.True(pickle.Count < 1100);
        var error = AssertRefused(pickle.ToArray());
        Assert.Contains("not a state dict", error.Message);
        Assert.Contains("<repeated>", error.Message);
        Assert.True(error.Message.Length < 1000, $"the message is {error.Message.Length} characters long");
    }

    [Fact]
    public void AMarkLeftBelowTheStackIsRefused()
    {
        // Found by TorchPickleFuzzTests (seed 100225): None, None, MARK, TUPLE2 (pops under the mark), TUPLE.
        var error = AssertRefused(new byte[] { 0x80, 2, (byte)'N', (byte)'N', (byte)'(', 0x86, (byte)'t', (byte)'.' });
        Assert.Contains("MARK", error.Message);
    }

    [Fact]
    public void MemoizingAnEmptyStackIsRefused()
    {
        // Found by TorchPickleFuzzTests (seed 2000): BINPUT with nothing on the stack.
        var error = AssertRefused(new byte[] { 0x80, 2, (byte)'q', 0, (byte)'.' });
        Assert.Contains("empty stack", error.Message);
    }

    [Fact]
    public void AViewPastItsStoragesClaimedSizeIsNamed()
    {
        // Found by TorchPickleFuzzTests (seed 301432): the entry held the bytes but the storage claimed fewer elements,
        // and libtorch refused the strided view natively.
        var error = AssertRefused(new TorchZipBuilder().Storage("0", Twelve)
            .Tensor("w", "0", offset: 0, shape: new long[] { 4, 3 }, stride: new long[] { 1, 4 }, storageElements: 8));
        Assert.Contains("'w'", error.Message);
        Assert.Contains("holds only 8 elements", error.Message);
    }

    [Fact]
    public void ADamagedCentralDirectoryIsNamed()
    {
        // Found by TorchPickleFuzzTests (seed 8): the entry count of the end-of-central-directory record is read lazily.
        using var dir = new TemporaryDirectory();
        string path = dir.File(CheckpointFileNames.PyTorch);
        new TorchZipBuilder().Storage("0", Twelve).Tensor("w", "0", offset: 0, shape: new long[] { 4 }, stride: new long[] { 1 }).Write(path);
        var bytes = File.ReadAllBytes(path);
        int endOfCentralDirectory = bytes.Length - 22; // no archive comment
        bytes[endOfCentralDirectory + 10]++;           // total number of entries
        File.WriteAllBytes(path, bytes);
        var error = AssertRefused(path);
        Assert.Contains("zip archive is damaged", error.Message);
    }

    [Fact]
    public void ANegativeStorageOffsetIsNamed()
    {
        var error = AssertRefused(new TorchZipBuilder().Storage("0", Twelve)
            .Tensor("w", "0", offset: -4, shape: new long[] { 4 }, stride: new long[] { 1 }));
        Assert.Contains("'w'", error.Message);
        Assert.Contains("negative storage offset -4", error.Message);
    }

    [Fact]
    public void ANegativeStrideIsNamed()
    {
        var error = AssertRefused(new TorchZipBuilder().Storage("0", Twelve)
            .Tensor("w", "0", offset: 11, shape: new long[] { 4 }, stride: new long[] { -1 }));
        Assert.Contains("'w'", error.Message);
        Assert.Contains("negative stride", error.Message);
    }

    [Fact]
    public void AStorageSizeThatOverflowsIsNamed()
    {
        var error = AssertRefused(new TorchZipBuilder().Storage("0", Twelve)
            .Tensor("w", "0", offset: 0, shape: new long[] { 4 }, stride: new long[] { 1 }, storageElements: long.MaxValue / 2));
        Assert.Contains("storage '0'", error.Message);
        Assert.Contains("overflows", error.Message);
    }

    [Fact]
    public void AShapeWhoseProductOverflowsIsNamed()
    {
        var error = AssertRefused(new TorchZipBuilder().Storage("0", Twelve)
            .Tensor("w", "0", offset: 0, shape: new long[] { 1L << 32, 1L << 32 }, stride: new long[] { 0, 0 }));
        Assert.Contains("'w'", error.Message);
        Assert.Contains("overflows", error.Message);
    }

    [Fact]
    public void AnExtentThatOverflowsIsNamed()
    {
        var error = AssertRefused(new TorchZipBuilder().Storage("0", Twelve)
            .Tensor("w", "0", offset: 0, shape: new long[] { 3 }, stride: new long[] { long.MaxValue / 2 }));
        Assert.Contains("'w'", error.Message);
        Assert.Contains("overflows", error.Message);
    }

    [Fact]
    public void StridesOfAnotherRankThanTheShapeAreNamed()
    {
        var error = AssertRefused(new TorchZipBuilder().Storage("0", Twelve)
            .Tensor("w", "0", offset: 0, shape: new long[] { 3, 4 }, stride: new long[] { 1 }));
        Assert.Contains("'w'", error.Message);
        Assert.Contains("another rank", error.Message);
    }

    [Fact]
    public void ANegativeStorageSizeIsNamed()
    {
        var error = AssertRefused(new TorchZipBuilder().Storage("0", Twelve)
            .Tensor("w", "0", offset: 0, shape: new long[] { 4 }, stride: new long[] { 1 }, storageElements: -1));
        Assert.Contains("storage '0'", error.Message);
        Assert.Contains("negative", error.Message);
    }

    private static CheckpointFormatException AssertRefused(TorchZipBuilder builder)
    {
        using var dir = new TemporaryDirectory();
        string path = dir.File(CheckpointFileNames.PyTorch);
        builder.Write(path);
        return AssertRefused(path);
    }

    private static CheckpointFormatException AssertRefused(byte[] pickle)
    {
        using var dir = new TemporaryDirectory();
        string path = dir.File(CheckpointFileNames.PyTorch);
        TorchZipBuilder.WriteArchive(path, pickle);
        return AssertRefused(path);
    }

    private static CheckpointFormatException AssertRefused(string path)
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        var error = Assert.Throws<CheckpointFormatException>(() => CheckpointReader.OpenFile(path).Dispose());
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(allocated < AllocationBound, $"reading and refusing the pickle allocated {allocated} bytes");
        Assert.Equal(path, error.FilePath);
        Assert.Contains(path, error.Message);
        return error;
    }
}
