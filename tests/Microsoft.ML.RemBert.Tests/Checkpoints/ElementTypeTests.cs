using Microsoft.ML.RemBert.Checkpoints;
using Microsoft.ML.RemBert.Tests.Infrastructure;
using TorchSharp;
using Xunit;

namespace Microsoft.ML.RemBert.Tests.Checkpoints;

/// <summary>Every safetensors element type is written, named in the header, and read back identically.</summary>
public class ElementTypeTests
{
    public static TheoryData<string> SafeTensorsTypes => new() { "F64", "F32", "F16", "BF16", "I64", "I32", "I16", "I8", "U8", "BOOL" };

    [Theory]
    [MemberData(nameof(SafeTensorsTypes))]
    public void EverySafeTensorsTypeRoundTripsAndIsNamedInTheHeader(string name)
    {
        var type = TensorDataTypes.FromSafeTensorsName(name)!.Value;
        using var output = new TemporaryDirectory();
        using var original = (torch.randn(4, 7) * 50).to(type);
        string path = output.File(CheckpointFileNames.SafeTensors);
        SafeTensorsWriter.Write(path, new KeyValuePair<string, torch.Tensor>[] { new("t", original) });

        using var reader = CheckpointReader.Open(output.Path);
        Assert.Equal(type, reader.GetInfo("t").DType);
        Assert.Contains($"\"dtype\":\"{name}\"", System.Text.Encoding.UTF8.GetString(File.ReadAllBytes(path)));
        using var reread = reader.Read("t");
        Assert.True(TensorAssert.Identical(original, reread));
    }
}
