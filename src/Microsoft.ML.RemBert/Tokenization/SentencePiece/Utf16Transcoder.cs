using System.Buffers;
using System.Text.Unicode;

namespace Microsoft.ML.RemBert.Tokenization.SentencePiece;

/// <summary>
/// UTF-16 to the UTF-8 bytes sentencepiece sees. A lone surrogate becomes its 3-byte generalized-UTF-8 form
/// (U+D800 → ED A0 80): malformed UTF-8 that sentencepiece turns into one U+FFFD per byte, exactly what spm_encode
/// does with a file holding those bytes — so invalid text neither throws nor silently changes meaning.
/// </summary>
internal static class Utf16Transcoder
{
    /// <summary>Most UTF-8 bytes one UTF-16 code unit can produce.</summary>
    private const int MaxBytesPerChar = 3;

    /// <summary>Transcodes <paramref name="text"/> into <paramref name="buffer"/> (grown as needed); returns the byte count.</summary>
    public static int ToUtf8(ReadOnlySpan<char> text, ref byte[] buffer)
    {
        EncoderScratch.EnsureSize(ref buffer, text.Length * MaxBytesPerChar);
        var written = 0;
        while (true)
        {
            var status = Utf8.FromUtf16(text, buffer.AsSpan(written), out var read, out var count, replaceInvalidSequences: false);
            written += count;
            text = text.Slice(read);
            if (status == OperationStatus.Done) return written;
            // InvalidData: text[0] is a lone surrogate.
            written += WriteThreeBytes(text[0], buffer, written);
            text = text.Slice(1);
        }
    }

    /// <summary>
    /// Like <see cref="ToUtf8"/>, also recording for every byte the UTF-16 range of its character
    /// (<see cref="EncoderScratch.Utf16Start"/>/<see cref="EncoderScratch.Utf16End"/>, plus a final entry at the end).
    /// </summary>
    public static int ToUtf8WithAlignment(ReadOnlySpan<char> text, EncoderScratch scratch)
    {
        var capacity = text.Length * MaxBytesPerChar + 1;
        EncoderScratch.EnsureSize(ref scratch.Utf8, capacity);
        EncoderScratch.EnsureSize(ref scratch.Utf16Start, capacity);
        EncoderScratch.EnsureSize(ref scratch.Utf16End, capacity);
        var bytes = scratch.Utf8;
        var starts = scratch.Utf16Start;
        var ends = scratch.Utf16End;
        var n = 0;
        for (var i = 0; i < text.Length;)
        {
            var c = text[i];
            int units, count;
            if (c < 0x80)
            {
                bytes[n] = (byte)c;
                units = 1;
                count = 1;
            }
            else if (c < 0x800)
            {
                bytes[n] = (byte)(0xC0 | (c >> 6));
                bytes[n + 1] = (byte)(0x80 | (c & 0x3F));
                units = 1;
                count = 2;
            }
            else if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                var cp = char.ConvertToUtf32(c, text[i + 1]);
                bytes[n] = (byte)(0xF0 | (cp >> 18));
                bytes[n + 1] = (byte)(0x80 | ((cp >> 12) & 0x3F));
                bytes[n + 2] = (byte)(0x80 | ((cp >> 6) & 0x3F));
                bytes[n + 3] = (byte)(0x80 | (cp & 0x3F));
                units = 2;
                count = 4;
            }
            else
            {
                count = WriteThreeBytes(c, bytes, n);
                units = 1;
            }
            for (var k = 0; k < count; k++)
            {
                starts[n + k] = i;
                ends[n + k] = i + units;
            }
            n += count;
            i += units;
        }
        starts[n] = text.Length;
        ends[n] = text.Length;
        return n;
    }

    private static int WriteThreeBytes(char c, byte[] buffer, int at)
    {
        buffer[at] = (byte)(0xE0 | (c >> 12));
        buffer[at + 1] = (byte)(0x80 | ((c >> 6) & 0x3F));
        buffer[at + 2] = (byte)(0x80 | (c & 0x3F));
        return MaxBytesPerChar;
    }
}
