using System.Globalization;
using System.Text.Json;

namespace Microsoft.ML.RemBert.IO;

/// <summary>
/// The project's rules for every JSON file it reads: a UTF-8 byte-order mark is accepted (editors on Windows write
/// one, and System.Text.Json rejects it in byte input), and a key repeated in one object is an error rather than
/// the silent last-one-wins of a plain parse, because the two values usually disagree.
/// </summary>
internal static class JsonFiles
{
    private static readonly byte[] Utf8ByteOrderMark = { 0xEF, 0xBB, 0xBF };

    /// <summary>Parser options that refuse duplicate keys; the default depth limit (64) also bounds nesting.</summary>
    public static JsonDocumentOptions StrictOptions { get; } = new() { AllowDuplicateProperties = false };

    /// <summary>
    /// The largest JSON file read (64 MiB): config.json, tokenizer_config.json and shard indexes are kilobytes even for
    /// the largest models, so anything bigger is not one of them and must not be loaded whole into memory.
    /// </summary>
    public const long MaxFileBytes = 64L << 20;

    /// <summary>
    /// The bytes of <paramref name="path"/> (a regular file of at most <see cref="MaxFileBytes"/>, see
    /// <see cref="BoundedInputFile"/>) without a leading UTF-8 byte-order mark.
    /// </summary>
    public static ReadOnlyMemory<byte> ReadUtf8(string path) =>
        WithoutByteOrderMark(BoundedInputFile.ReadAllBytes(path, MaxFileBytes, "a JSON file"));

    /// <summary><paramref name="utf8"/> without a leading UTF-8 byte-order mark.</summary>
    public static ReadOnlyMemory<byte> WithoutByteOrderMark(byte[] utf8) =>
        utf8.AsSpan().StartsWith(Utf8ByteOrderMark) ? utf8.AsMemory(Utf8ByteOrderMark.Length) : utf8;

    /// <summary><paramref name="text"/> without a leading byte-order mark character (U+FEFF).</summary>
    public static string WithoutByteOrderMark(string text) => text.Length > 0 && text[0] == '\uFEFF' ? text[1..] : text;

    /// <summary>
    /// The offset of the first byte that is not valid UTF-8, or -1. System.Text.Json parses such text but throws
    /// InvalidOperationException when a string is read, far from the file; callers check first and name the file.
    /// </summary>
    public static int InvalidUtf8Offset(ReadOnlySpan<byte> utf8)
    {
        if (System.Text.Unicode.Utf8.IsValid(utf8)) return -1;
        var status = System.Text.Unicode.Utf8.ToUtf16(utf8, new char[utf8.Length], out int read, out _, replaceInvalidSequences: false);
        return status == System.Buffers.OperationStatus.Done ? -1 : read;
    }

    /// <summary>
    /// True when the JSON number text <paramref name="raw"/> is a whole number, however large (1e30, 99999999999999999999):
    /// a reader that cannot hold it reports it as out of range rather than as "not an integer".
    /// </summary>
    public static bool IsIntegralNumber(string raw) =>
        double.TryParse(raw, NumberStyles.Float, CultureInfo.InvariantCulture, out var value)
        && (double.IsInfinity(value) || value == Math.Floor(value));
}
