using Microsoft.ML.RemBert.IO;
using Microsoft.ML.RemBert.Tests.Infrastructure;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Microsoft.ML.RemBert.Tests.IO;

/// <summary>
/// <see cref="TensorBytes.Fill"/> converting stored float32 into a bfloat16 destination chunk by chunk (how a bfloat16
/// load avoids a float32 copy of each tensor): every chunk, the last partial one included, equals libtorch's own conversion.
/// </summary>
public sealed class TensorBytesConversionTests
{
    // Three full 4 MiB chunks of float32 and a partial fourth.
    private const long Elements = 3 * (TensorBytes.ChunkBytes / sizeof(float)) + 12_345;

    [Fact]
    public void Float32DataFillsABFloat16TensorAcrossChunks()
    {
        using var scope = NewDisposeScope();
        var source = randn(Elements, generator: new Generator(5));
        using var stream = new MemoryStream();
        TensorBytes.Write(stream, source);
        stream.Position = 0;

        var destination = empty(new[] { Elements / 3, 3L }, ScalarType.BFloat16); // 3,158,073 = 3 x 1,052,691
        TensorBytes.Fill(destination, ScalarType.Float32, stream, "weights");

        Assert.Equal(stream.Length, stream.Position);
        Assert.True(TensorAssert.Identical(source.to_type(ScalarType.BFloat16).view(-1, 3), destination));
    }

    [Fact]
    public void DataEndingInALaterChunkNamesTheTensorAndItsFullSize()
    {
        using var scope = NewDisposeScope();
        using var stream = new MemoryStream(new byte[TensorBytes.ChunkBytes + 8]);
        var destination = empty(Elements, ScalarType.BFloat16);
        var error = Assert.Throws<EndOfStreamException>(() => TensorBytes.Fill(destination, ScalarType.Float32, stream, "weights"));
        Assert.Contains($"weights: the data ends before the tensor's {Elements * sizeof(float)} bytes do", error.Message);
    }
}
