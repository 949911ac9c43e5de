using Microsoft.ML.RemBert.MLNet.Persistence;
using Xunit;

namespace Microsoft.ML.RemBert.Tests.MLNet.Persistence;

public class VersionedEntryTests
{
    private const string EntryPath = "TransformerChain/Test.bin";
    private static readonly EntryFormatVersion Version = new(Current: 3, OldestReadable: 2);

    private static MemoryStream WriteEntry(int version, Action<BinaryWriter> body)
    {
        var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true))
            VersionedEntry.Write(writer, new EntryFormatVersion(version, version), body);
        stream.Position = 0;
        return stream;
    }

    private static T ReadEntry<T>(Stream stream, Func<BinaryReader, int, T> body)
    {
        using var reader = new BinaryReader(stream);
        return VersionedEntry.Read(reader, EntryPath, Version, body);
    }

    [Fact]
    public void RoundTripsFieldsAndBlobAndReportsTheWrittenVersion()
    {
        byte[] blob = Enumerable.Range(0, 1000).Select(i => (byte)(i * 7)).ToArray();
        var stream = WriteEntry(2, writer =>
        {
            writer.Write("columns");
            writer.WriteBlob(blob);
        });

        var (text, bytes, version) = ReadEntry(stream, (reader, v) => (reader.ReadString(), reader.ReadBlob("blob"), v));

        Assert.Equal("columns", text);
        Assert.Equal(blob, bytes);
        Assert.Equal(2, version);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    public void UnknownVersionNamesEntryAndVersions(int written)
    {
        var stream = WriteEntry(written, writer => writer.Write(1));

        var ex = Assert.Throws<RemBertModelFormatException>(() => ReadEntry(stream, (reader, _) => reader.ReadInt32()));

        Assert.Equal(EntryPath, ex.EntryPath);
        Assert.Contains(EntryPath, ex.Message);
        Assert.Contains($"format version {written}", ex.Message);
        Assert.Contains("versions 2 to 3", ex.Message);
    }

    [Fact]
    public void TruncatedEntryIsReportedAsTruncated()
    {
        var full = WriteEntry(3, writer => writer.WriteBlob(new byte[64]));
        var truncated = new MemoryStream(full.ToArray()[..^20]);

        var ex = Assert.Throws<RemBertModelFormatException>(() => ReadEntry(truncated, (reader, _) => reader.ReadBlob("blob")));

        Assert.Contains("truncated", ex.Message);
        Assert.Contains(EntryPath, ex.Message);
    }

    [Fact]
    public void ReaderThatStopsEarlyIsCaughtByTheEndMarker()
    {
        var stream = WriteEntry(3, writer =>
        {
            writer.Write(1);
            writer.Write(2);
        });

        var ex = Assert.Throws<RemBertModelFormatException>(() => ReadEntry(stream, (reader, _) => reader.ReadInt32()));

        Assert.Contains("end marker", ex.Message);
    }

    [Fact]
    public void ForeignBytesAreRejectedByTheMagic()
    {
        var stream = new MemoryStream(System.Text.Encoding.ASCII.GetBytes("PK\u0003\u0004 not ours at all"));

        var ex = Assert.Throws<RemBertModelFormatException>(() => ReadEntry(stream, (reader, _) => 0));

        Assert.Contains("not written by Microsoft.ML.RemBert", ex.Message);
    }
}
