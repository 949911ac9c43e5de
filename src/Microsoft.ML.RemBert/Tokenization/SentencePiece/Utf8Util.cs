using System.Runtime.CompilerServices;

namespace Microsoft.ML.RemBert.Tokenization.SentencePiece;

/// <summary>UTF-8 helpers with sentencepiece's exact rules (string_util::OneCharLen / DecodeUTF8).</summary>
internal static class Utf8Util
{
    /// <summary>The escaped-whitespace symbol U+2581 (LOWER ONE EIGHTH BLOCK) in UTF-8.</summary>
    public static ReadOnlySpan<byte> SpaceSymbol => [0xE2, 0x96, 0x81];
    /// <summary>U+FFFD in UTF-8: what sentencepiece emits for each malformed input byte.</summary>
    public static ReadOnlySpan<byte> ReplacementCharacter => [0xEF, 0xBF, 0xBD];

    /// <summary>Byte length implied by a lead byte (continuation and invalid bytes count as 1), like OneCharLen.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int OneCharLength(byte lead) => lead < 0xC0 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4;

    /// <summary>
    /// Length of the well-formed character at the start of <paramref name="s"/>, or 0 when malformed
    /// (sentencepiece's IsValidDecodeUTF8: shortest form, no surrogates, at most U+10FFFF).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int ValidCharLength(ReadOnlySpan<byte> s)
    {
        var b0 = s[0];
        if (b0 < 0x80) return 1;
        if ((b0 & 0xE0) == 0xC0)
        {
            if (s.Length < 2 || !IsTrail(s[1])) return 0;
            var cp = ((b0 & 0x1F) << 6) | (s[1] & 0x3F);
            return cp >= 0x80 ? 2 : 0;
        }
        if ((b0 & 0xF0) == 0xE0)
        {
            if (s.Length < 3 || !IsTrail(s[1]) || !IsTrail(s[2])) return 0;
            var cp = ((b0 & 0x0F) << 12) | ((s[1] & 0x3F) << 6) | (s[2] & 0x3F);
            return cp >= 0x800 && (cp < 0xD800 || cp > 0xDFFF) ? 3 : 0;
        }
        if ((b0 & 0xF8) == 0xF0)
        {
            if (s.Length < 4 || !IsTrail(s[1]) || !IsTrail(s[2]) || !IsTrail(s[3])) return 0;
            var cp = ((b0 & 0x07) << 18) | ((s[1] & 0x3F) << 12) | ((s[2] & 0x3F) << 6) | (s[3] & 0x3F);
            return cp >= 0x10000 && cp <= 0x10FFFF ? 4 : 0;
        }
        return 0;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool IsTrail(byte b) => (b & 0xC0) == 0x80;
}
