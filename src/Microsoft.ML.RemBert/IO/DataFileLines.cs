using System.Text;
using System.Text.Unicode;

namespace Microsoft.ML.RemBert.IO;

/// <summary>
/// The one rule for every line-oriented data file the library and the CLI read (TSV, CSV, CoNLL, JSON lines, a
/// pretraining corpus): the file is UTF-8 (a leading byte order mark is skipped), and a line holds at most
/// <see cref="MaxLineBytes"/> bytes. Invalid UTF-8 is refused naming the file, the line, the byte within the line and
/// its offset in the file; an over-long line is refused before more than the cap is held in memory, so a 50 MB line
/// costs a megabyte, not gigabytes. Lines end at <c>\n</c>; a <c>\r</c> before it is dropped.
/// </summary>
internal static class DataFileLines
{
    /// <summary>The longest line accepted, in bytes (1 MiB): far above any sentence, paragraph or SQuAD context.</summary>
    public const int MaxLineBytes = 1 << 20;

    private const int ChunkBytes = 1 << 16;

    /// <summary>The lines of <paramref name="path"/> with their numbers (from 1), read lazily.</summary>
    /// <exception cref="InvalidDataException">(While enumerating) a line is not UTF-8, or is longer than <paramref name="maxLineBytes"/>.</exception>
    public static IEnumerable<(int Number, string Text)> Read(string path, int maxLineBytes = MaxLineBytes)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1);
        foreach (var line in Read(stream, path, maxLineBytes)) yield return line;
    }

    /// <summary>The lines of <paramref name="stream"/>, read from <paramref name="source"/> (for messages).</summary>
    public static IEnumerable<(int Number, string Text)> Read(Stream stream, string source, int maxLineBytes = MaxLineBytes)
    {
        var chunk = new byte[ChunkBytes];
        var line = new byte[Math.Min(ChunkBytes, maxLineBytes + 1)];
        int lineLength = 0, number = 1, chunkLength = 0, position = 0;
        long lineOffset = 0, consumed = 0;
        bool first = true;
        while (true)
        {
            if (position == chunkLength)
            {
                chunkLength = stream.Read(chunk);
                position = 0;
                if (chunkLength == 0) break;
                if (first && chunkLength >= 3 && chunk.AsSpan(0, 3).SequenceEqual(Encoding.UTF8.Preamble))
                {
                    position = 3;
                    consumed = lineOffset = 3;
                }
                first = false;
            }
            int end = chunk.AsSpan(position, chunkLength - position).IndexOf((byte)'\n');
            int take = end < 0 ? chunkLength - position : end;
            if (lineLength + take > maxLineBytes) throw TooLong(source, number, maxLineBytes);
            if (lineLength + take > line.Length) Array.Resize(ref line, Math.Min(Math.Max(line.Length * 2, lineLength + take), maxLineBytes + 1));
            chunk.AsSpan(position, take).CopyTo(line.AsSpan(lineLength));
            lineLength += take;
            position += take;
            consumed += take;
            if (end < 0) continue;
            position++; // the \n
            consumed++;
            yield return (number, Decode(line.AsSpan(0, lineLength), source, number, lineOffset));
            number++;
            lineLength = 0;
            lineOffset = consumed;
        }
        if (lineLength > 0) yield return (number, Decode(line.AsSpan(0, lineLength), source, number, lineOffset));
    }

    /// <summary>The message every data file gives for invalid UTF-8: the file, line, byte within the line (from 1) and offset in the file (from 0).</summary>
    public static InvalidDataException InvalidUtf8(string source, int line, int byteInLine, long fileOffset) =>
        new($"{source}: line {line}, byte {byteInLine} (offset {fileOffset} in the file) is not valid UTF-8; every data file must be UTF-8 text.");

    /// <summary>The message for a line over the cap.</summary>
    public static InvalidDataException TooLong(string source, int line, int maxLineBytes) =>
        new($"{source}: line {line} is longer than {maxLineBytes:N0} bytes, the longest line a data file may have (is it one huge record, or not a line-oriented text file?).");

    /// <summary>The line's text; invalid UTF-8 is refused with <see cref="InvalidUtf8"/>.</summary>
    public static string Decode(ReadOnlySpan<byte> bytes, string source, int line, long lineOffset)
    {
        if (bytes.Length > 0 && bytes[^1] == (byte)'\r') bytes = bytes[..^1];
        if (!Utf8.IsValid(bytes))
        {
            int bad = JsonFiles.InvalidUtf8Offset(bytes);
            throw InvalidUtf8(source, line, bad + 1, lineOffset + bad);
        }
        return Encoding.UTF8.GetString(bytes);
    }
}
