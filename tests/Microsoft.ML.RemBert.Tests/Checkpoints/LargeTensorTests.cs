using System.Collections;
using Microsoft.ML.RemBert.Checkpoints;
using TorchSharp;
using TorchSharp.PyBridge;
using Xunit;
using Microsoft.ML.RemBert.Tests.Infrastructure;

namespace Microsoft.ML.RemBert.Tests.Checkpoints;

/// <summary>Tensors larger than one IO chunk (4 MiB), so reading and writing go through several chunks; PyBridge is the independent check.</summary>
public class LargeTensorTests
{
    // 3,000,001 float32 values = 12 MB: three full chunks and a ragged tail.
    private const long LargeElementCount = 3_000_001;

    [Fact]
    public void WrittenSafeTensorsReadBackHereAndInPyBridge()
    {
        using var output = new TemporaryDirectory();
        using var original = torch.randn(LargeElementCount);
        using var small = torch.randn(3, 5).to(torch.bfloat16);
        string path = output.File(CheckpointFileNames.SafeTensors);
        SafeTensorsWriter.Write(path, new KeyValuePair<string, torch.Tensor>[] { new("small", small), new("large", original) });

        using var reader = CheckpointReader.Open(output.Path);
        using var reread = reader.Read("large");
        Assert.True(TensorAssert.Identical(original, reread));
        using var rereadSmall = reader.Read("small");
        Assert.True(TensorAssert.Identical(small, rereadSmall));
        var pyBridge = Safetensors.LoadStateDict(path);
        Assert.True(TensorAssert.Identical(original, pyBridge["large"]));
        Assert.True(TensorAssert.Identical(small, pyBridge["small"]));
    }

    [Fact]
    public void PickleWrittenByPyBridgeReadsAsItsOwnTypeAndIntoAFloat64Tensor()
    {
        using var output = new TemporaryDirectory();
        using var original = torch.randn(1000, 3001);
        PyTorchPickler.PickleStateDict(output.File(CheckpointFileNames.PyTorch), new Hashtable { ["w"] = original });

        using var reader = CheckpointReader.Open(output.Path);
        using var sameType = reader.Read("w");
        Assert.True(TensorAssert.Identical(original, sameType));
        using var asDouble = torch.empty(1000, 3001, torch.float64);
        reader.ReadInto("w", asDouble);
        using var expectedDouble = original.to(torch.float64);
        Assert.True(TensorAssert.Identical(expectedDouble, asDouble));
    }
}
