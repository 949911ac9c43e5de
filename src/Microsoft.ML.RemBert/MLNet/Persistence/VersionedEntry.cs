namespace Microsoft.ML.RemBert.MLNet.Persistence;

/// <summary>
/// The frame every binary zip entry of this library shares, independent of ML.NET's context types so that it can
/// be tested on plain streams. Layout (little-endian, <see cref="BinaryWriter"/> encodings):
/// <code>
///   uint32  Magic          0x54524252 ("RBRT"): guards against reading an entry of another library
///   int32   FormatVersion  the entry kind's <see cref="EntryFormatVersion.Current"/> at write time
///   ...     body           written by the caller; layout documented at the caller's save/load sites
///   uint32  EndMarker      0x444E4552 ("REND"): proves the body was read to exactly where it was written
/// </code>
/// A short read anywhere becomes a <see cref="RemBertModelFormatException"/> that says "truncated".
/// </summary>
internal static class VersionedEntry
{
    internal const uint Magic = 0x54524252;
    internal const uint EndMarker = 0x444E4552;

    /// <summary>Writes the frame around <paramref name="writeBody"/>.</summary>
    public static void Write(BinaryWriter writer, EntryFormatVersion version, Action<BinaryWriter> writeBody)
    {
        writer.Write(Magic);
        writer.Write(version.Current);
        writeBody(writer);
        writer.Write(EndMarker);
        writer.Flush();
    }

    /// <summary>
    /// Reads the frame and returns what <paramref name="readBody"/> (given the reader and the file's format
    /// version) returns. <paramref name="entryPath"/> is only used in error messages.
    /// </summary>
    public static T Read<T>(BinaryReader reader, string entryPath, EntryFormatVersion version, Func<BinaryReader, int, T> readBody)
    {
        try
        {
            uint magic = reader.ReadUInt32();
            if (magic != Magic)
                throw new RemBertModelFormatException(entryPath, $"not written by Microsoft.ML.RemBert (magic 0x{magic:X8}, expected 0x{Magic:X8}).");
            int written = reader.ReadInt32();
            if (!version.CanRead(written))
                throw new RemBertModelFormatException(entryPath,
                    $"format version {written} is not supported; this build reads versions {version.OldestReadable} to {version.Current}.");
            T result = readBody(reader, written);
            uint end = reader.ReadUInt32();
            if (end != EndMarker)
                throw new RemBertModelFormatException(entryPath, $"corrupt: the body of format version {written} does not end where its end marker should be.");
            return result;
        }
        catch (EndOfStreamException ex)
        {
            throw new RemBertModelFormatException(entryPath, "truncated: the entry ends before its data does.", ex);
        }
    }
}
