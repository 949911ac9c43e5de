using System.Text.Json;

namespace Microsoft.ML.RemBert.IO;

/// <summary>
/// Parses a JSON file the user gave, by the rules of <see cref="JsonFiles"/> (a leading UTF-8 byte order mark is
/// accepted, the text must be UTF-8, a key may not repeat), after <see cref="BoundedInputFile"/>'s checks; malformed JSON
/// is an <see cref="InvalidDataException"/> naming the file, line and byte position.
/// </summary>
internal static class JsonInputFile
{
    /// <summary>Reads and parses <paramref name="path"/> (see <see cref="BoundedInputFile.Open"/> for the checks on the file).</summary>
    /// <exception cref="InvalidDataException">The file is not valid JSON; the message names the file, line and position.</exception>
    public static JsonDocument Parse(string path, long maxBytes, string what) =>
        Parse(BoundedInputFile.ReadAllBytes(path, maxBytes, what), path);

    /// <summary>Parses <paramref name="bytes"/>, read from <paramref name="source"/>, skipping a leading UTF-8 byte order mark.</summary>
    /// <exception cref="InvalidDataException">The bytes are not valid JSON; the message names <paramref name="source"/>, line and position.</exception>
    public static JsonDocument Parse(byte[] bytes, string source)
    {
        var utf8 = JsonFiles.WithoutByteOrderMark(bytes);
        // System.Text.Json checks UTF-8 only where it transcodes (a property name, when it is read): check it all up front.
        if (JsonFiles.InvalidUtf8Offset(utf8.Span) is var offset and >= 0)
        {
            // The rule of every data file: the line, the byte within it and the offset in the file.
            var before = utf8.Span[..offset];
            int lineStart = before.LastIndexOf((byte)'\n') + 1;
            long fileOffset = offset + (bytes.Length - utf8.Length);
            throw DataFileLines.InvalidUtf8(source, before.Count((byte)'\n') + 1, offset - lineStart + 1, fileOffset);
        }
        try
        {
            return JsonDocument.Parse(utf8, JsonFiles.StrictOptions);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException(
                $"{source}: not valid JSON at line {e.LineNumber + 1}, byte {e.BytePositionInLine + 1}: {FirstSentence(e.Message)}", e);
        }
    }

    /// <summary>System.Text.Json appends its own "LineNumber: … | BytePositionInLine: …" to the message; ours says it already.</summary>
    private static string FirstSentence(string message)
    {
        int cut = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
        return cut < 0 ? message : message[..cut];
    }
}
