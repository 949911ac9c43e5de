namespace Microsoft.ML.RemBert.MLNet.Persistence;

/// <summary>
/// Length-prefixed payloads inside a <see cref="VersionedEntry"/> body:
/// <code>
///   int64  Length  number of payload bytes that follow
///   byte[Length]   payload
/// </code>
/// Small blobs (a SentencePiece model) are read into a byte[]; large ones (RemBERT's 2.3 GB of fp32 weights) are
/// streamed in both directions through <see cref="WriteLarge"/>/<see cref="ReadLarge"/> (tensors by
/// <see cref="IO.TensorBytes"/>, chunk by chunk), so no byte[] ever holds them.
/// </summary>
internal static class BinaryPayloads
{
    /// <summary>Writes <paramref name="bytes"/> as one length-prefixed payload.</summary>
    public static void WriteBlob(this BinaryWriter writer, ReadOnlySpan<byte> bytes)
    {
        writer.Write((long)bytes.Length);
        writer.Write(bytes);
    }

    /// <summary>Reads a payload written by <see cref="WriteBlob"/>; <paramref name="what"/> names it in errors.</summary>
    public static byte[] ReadBlob(this BinaryReader reader, string what)
    {
        long length = ReadLength(reader, what);
        if (length > Array.MaxLength)
            throw new InvalidDataException($"{what}: {length} bytes do not fit in memory as one array; it must be read with ReadLarge.");
        byte[] bytes = reader.ReadBytes((int)length);
        if (bytes.Length != length)
            throw new EndOfStreamException($"{what}: expected {length} bytes, found {bytes.Length}.");
        return bytes;
    }

    /// <summary>
    /// Writes a payload of exactly <paramref name="length"/> bytes produced by <paramref name="writeContent"/>
    /// straight into the entry stream. Throws if the callback writes a different number of bytes, because the
    /// reader relies on the prefix.
    /// </summary>
    public static void WriteLarge(this BinaryWriter writer, long length, Action<Stream> writeContent)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        writer.Write(length);
        writer.Flush();
        var counted = new CountingWriteStream(writer.BaseStream);
        writeContent(counted);
        if (counted.BytesWritten != length)
            throw new InvalidOperationException($"A streamed payload declared {length} bytes but its writer produced {counted.BytesWritten}.");
    }

    /// <summary>
    /// Gives <paramref name="readContent"/> a read-only stream over exactly the payload's bytes and its length.
    /// Whatever the callback leaves unread is skipped, so the next field is read from the right place; a payload
    /// cut short raises <see cref="EndOfStreamException"/> (reported as "truncated" by <see cref="VersionedEntry"/>).
    /// </summary>
    public static void ReadLarge(this BinaryReader reader, string what, Action<Stream, long> readContent)
    {
        long length = ReadLength(reader, what);
        using var bounded = new BoundedReadStream(reader.BaseStream, length, what);
        readContent(bounded, length);
        bounded.SkipRemaining();
    }

    private static long ReadLength(BinaryReader reader, string what)
    {
        long length = reader.ReadInt64();
        if (length < 0)
            throw new InvalidDataException($"{what}: negative payload length {length}.");
        Stream stream = reader.BaseStream;
        if (stream.CanSeek && length > stream.Length - stream.Position)
            throw new EndOfStreamException($"{what}: declares {length} bytes but only {stream.Length - stream.Position} remain.");
        return length;
    }
}
