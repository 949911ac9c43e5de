using System.Runtime.InteropServices;
using Microsoft.ML.RemBert.IO;
using Microsoft.ML.RemBert.MLNet.Persistence;
using Xunit;

namespace Microsoft.ML.RemBert.Tests.MLNet.Persistence;

public class BinaryPayloadsTests
{
    [Fact]
    public void LargePayloadStreamsInChunksAndLeavesTheReaderOnTheNextField()
    {
        // A few chunks' worth of floats: exercises the chunked copy without a multi-GB test.
        float[] values = Enumerable.Range(0, (3 * TensorBytes.ChunkBytes / sizeof(float)) + 17).Select(i => i * 0.5f).ToArray();
        var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true))
        {
            writer.WriteLarge((long)values.Length * sizeof(float), destination => destination.Write(MemoryMarshal.AsBytes(values.AsSpan())));
            writer.Write("after");
        }
        stream.Position = 0;

        float[] read = new float[values.Length];
        long declared = 0;
        using var reader = new BinaryReader(stream);
        reader.ReadLarge("weights", (source, length) =>
        {
            declared = length;
            source.ReadExactly(MemoryMarshal.AsBytes(read.AsSpan()));
        });

        Assert.Equal((long)values.Length * sizeof(float), declared);
        Assert.Equal(values, read);
        Assert.Equal("after", reader.ReadString());
    }

    [Fact]
    public void UnreadRestOfALargePayloadIsSkipped()
    {
        var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true))
        {
            writer.WriteLarge(1000, destination => destination.Write(new byte[1000]));
            writer.Write(42);
        }
        stream.Position = 0;

        using var reader = new BinaryReader(stream);
        reader.ReadLarge("payload", (source, _) => source.ReadExactly(new byte[10]));

        Assert.Equal(42, reader.ReadInt32());
    }

    [Fact]
    public void WriterProducingTheWrongLengthIsRejected()
    {
        using var writer = new BinaryWriter(new MemoryStream());

        var ex = Assert.Throws<InvalidOperationException>(() => writer.WriteLarge(10, destination => destination.Write(new byte[9])));

        Assert.Contains("declared 10 bytes", ex.Message);
    }

    [Fact]
    public void PayloadLongerThanTheStreamIsTruncation()
    {
        var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true))
            writer.WriteBlob(new byte[100]);
        var cut = new MemoryStream(stream.ToArray()[..50]);

        using var reader = new BinaryReader(cut);
        var ex = Assert.Throws<EndOfStreamException>(() => reader.ReadBlob("SentencePiece model"));

        Assert.Contains("SentencePiece model", ex.Message);
    }
}
