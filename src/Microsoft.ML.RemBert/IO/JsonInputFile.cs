using System.Text.Json;

namespace Microsoft.ML.RemBert.IO;

/// <summary>
/// Parses a JSON file the user gave, with one rule for every JSON file the library and CLI read: a leading UTF-8 byte
/// order mark is accepted and skipped (editors on Windows write one), and malformed JSON is an
/// <see cref="InvalidDataException"/> naming the file, line and byte position.
/// </summary>
public static class JsonInputFile
{
    private static readonly byte[] Utf8Bom = [0xEF, 0xBB, 0xBF];

    /// <summary>Reads and parses <paramref name="path"/> (see <see cref="BoundedInputFile.Open"/> for the checks on the file).</summary>
    /// <exception cref="InvalidDataException">The file is not valid JSON; the message names the file, line and position.</exception>
    public static JsonDocument Parse(string path, long maxBytes, string what, JsonDocumentOptions options = default) =>
        Parse(BoundedInputFile.ReadAllBytes(path, maxBytes, what), path, options);

    /// <summary>Parses <paramref name="utf8"/>, read from <paramref name="source"/>, skipping a leading UTF-8 byte order mark.</summary>
    /// <exception cref="InvalidDataException">The bytes are not valid JSON; the message names <paramref name="source"/>, line and position.</exception>
    public static JsonDocument Parse(ReadOnlyMemory<byte> utf8, string source, JsonDocumentOptions options = default)
    {
        if (utf8.Span.StartsWith(Utf8Bom)) utf8 = utf8[Utf8Bom.Length..];
        // System.Text.Json checks UTF-8 only where it transcodes (a property name, when it is read): check it all up front.
        if (FirstInvalidUtf8(utf8.Span) is { } offset)
            throw new InvalidDataException($"{source}: not valid UTF-8 at byte {offset}; JSON files must be UTF-8.");
        try
        {
            return JsonDocument.Parse(utf8, options);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException(
                $"{source}: not valid JSON at line {e.LineNumber + 1}, byte {e.BytePositionInLine + 1}: {FirstSentence(e.Message)}", e);
        }
    }

    private static int? FirstInvalidUtf8(ReadOnlySpan<byte> bytes)
    {
        for (int offset = 0; offset < bytes.Length;)
        {
            if (System.Text.Rune.DecodeFromUtf8(bytes[offset..], out _, out int consumed) != System.Buffers.OperationStatus.Done) return offset;
            offset += consumed;
        }
        return null;
    }

    /// <summary>System.Text.Json appends its own "LineNumber: … | BytePositionInLine: …" to the message; ours says it already.</summary>
    private static string FirstSentence(string message)
    {
        int cut = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
        return cut < 0 ? message : message[..cut];
    }
}
