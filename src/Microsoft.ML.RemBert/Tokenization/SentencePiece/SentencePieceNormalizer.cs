using System.Runtime.CompilerServices;

namespace Microsoft.ML.RemBert.Tokenization.SentencePiece;

/// <summary>
/// sentencepiece's Normalizer over UTF-8: longest-match user-defined symbols (kept verbatim), then the precompiled
/// charsmap, malformed bytes to U+FFFD one byte at a time, leading/trailing/repeated whitespace removal, the dummy
/// prefix (or suffix) and escaping ' ' to U+2581. Output bytes and their alignment equal the reference's.
/// </summary>
internal sealed class SentencePieceNormalizer
{
    private const byte Space = (byte)' ';
    /// <summary>Worst-case growth of one input byte: a space becomes the 3-byte U+2581.</summary>
    private const int SpaceExpansion = 3;

    private readonly PrecompiledCharsMap? _charsMap;
    private readonly ByteTrie? _userSymbols;
    private readonly bool _addDummyPrefix;
    private readonly bool _removeExtraWhitespaces;
    private readonly bool _escapeWhitespaces;
    private readonly bool _treatWhitespaceAsSuffix;
    /// <summary>
    /// ASCII bytes that normalize to themselves whenever the next byte is ASCII too (no rule and no user-defined
    /// symbol starts with them, no multi-byte rule continues them with ASCII): the fast path copies runs of them.
    /// </summary>
    private readonly bool[] _asciiIdentity = new bool[0x80];

    public SentencePieceNormalizer(NormalizerSpecProto spec, bool treatWhitespaceAsSuffix, ByteTrie? userSymbols, string context)
    {
        _charsMap = spec.PrecompiledCharsMap.Length == 0 ? null : PrecompiledCharsMap.Parse(spec.PrecompiledCharsMap, context);
        _userSymbols = userSymbols is { KeyCount: > 0 } ? userSymbols : null;
        _addDummyPrefix = spec.AddDummyPrefix;
        _removeExtraWhitespaces = spec.RemoveExtraWhitespaces;
        _escapeWhitespaces = spec.EscapeWhitespaces;
        _treatWhitespaceAsSuffix = treatWhitespaceAsSuffix;
        Span<byte> one = stackalloc byte[1];
        for (var b = 0; b < _asciiIdentity.Length; b++)
        {
            one[0] = (byte)b;
            var userSymbolStarts = _userSymbols is not null && _userSymbols.Next(ByteTrie.Root, (byte)b) != ByteTrie.None;
            var mapped = _charsMap is not null && (_charsMap.LongestPrefix(one, out _) > 0 || !_charsMap.IsSelfContainedBeforeAscii((byte)b));
            _asciiIdentity[b] = !userSymbolStarts && !mapped;
        }
    }

    /// <summary>
    /// Normalizes <paramref name="input"/> into <paramref name="output"/> (grown as needed) and returns its length.
    /// </summary>
    public int Normalize<TAlignment>(ReadOnlySpan<byte> input, ref byte[] output, ref TAlignment alignment)
        where TAlignment : struct, INormalizationAlignment
    {
        if (input.IsEmpty) return 0;
        var consumed = 0;
        ReadOnlySpan<byte> chunk;
        int chunkLength;
        if (_removeExtraWhitespaces)
        {
            // Leading whitespace: every prefix whose normalization is exactly " " is dropped.
            while (consumed < input.Length)
            {
                chunkLength = NormalizePrefix(input.Slice(consumed), out chunk);
                if (chunk.Length != 1 || chunk[0] != Space) break;
                consumed += chunkLength;
            }
            if (consumed == input.Length) return 0;
        }

        var length = 0;
        EnsureCapacity(ref output, 0, (input.Length - consumed) * SpaceExpansion + SpaceExpansion);
        if (!_treatWhitespaceAsSuffix && _addDummyPrefix) length = AppendSpace(output, length, consumed, consumed, ref alignment);

        var isPrevSpace = _removeExtraWhitespaces;
        var asciiIdentity = _asciiIdentity;
        while (consumed < input.Length)
        {
            // Fast path: an ASCII byte that is its own normalization (see _asciiIdentity).
            var current = input[consumed];
            if (current < 0x80 && asciiIdentity[current] && (consumed + 1 == input.Length || input[consumed + 1] < 0x80))
            {
                if (length + SpaceExpansion > output.Length) EnsureCapacity(ref output, length, SpaceExpansion);
                if (current != Space)
                {
                    alignment.Record(length, consumed, consumed + 1, isSpace: false);
                    output[length++] = current;
                    isPrevSpace = false;
                }
                else if (!isPrevSpace)
                {
                    length = AppendSpace(output, length, consumed, consumed + 1, ref alignment);
                    isPrevSpace = _removeExtraWhitespaces;
                }
                consumed++;
                continue;
            }
            chunkLength = NormalizePrefix(input.Slice(consumed), out chunk);
            if (isPrevSpace)
            {
                var skip = 0;
                while (skip < chunk.Length && chunk[skip] == Space) skip++;
                chunk = chunk.Slice(skip);
            }
            if (!chunk.IsEmpty)
            {
                EnsureCapacity(ref output, length, chunk.Length * SpaceExpansion);
                var end = consumed + chunkLength;
                for (var n = 0; n < chunk.Length; n++)
                {
                    var b = chunk[n];
                    if (b == Space)
                    {
                        length = AppendSpace(output, length, consumed, end, ref alignment);
                    }
                    else
                    {
                        alignment.Record(length, consumed, end, isSpace: false);
                        output[length++] = b;
                    }
                }
                isPrevSpace = chunk[^1] == Space;
            }
            consumed += chunkLength;
            if (!_removeExtraWhitespaces) isPrevSpace = false;
        }

        var trailingStart = consumed;
        if (_removeExtraWhitespaces)
        {
            ReadOnlySpan<byte> space = _escapeWhitespaces ? Utf8Util.SpaceSymbol : [Space];
            while (length >= space.Length && output.AsSpan(length - space.Length, space.Length).SequenceEqual(space))
            {
                length -= space.Length;
                trailingStart = alignment.SourceStartAt(length); // the suffix symbol stands where the trimmed run began
            }
        }
        if (_treatWhitespaceAsSuffix && _addDummyPrefix)
        {
            EnsureCapacity(ref output, length, SpaceExpansion);
            length = AppendSpace(output, length, trailingStart, trailingStart, ref alignment);
        }
        return length;
    }

    /// <summary>Appends the whitespace symbol (▁, or ' ' when escaping is off) standing for input [start, end).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int AppendSpace<TAlignment>(byte[] output, int length, int start, int end, ref TAlignment alignment)
        where TAlignment : struct, INormalizationAlignment
    {
        if (!_escapeWhitespaces)
        {
            alignment.Record(length, start, end, isSpace: true);
            output[length] = Space;
            return length + 1;
        }
        var symbol = Utf8Util.SpaceSymbol;
        for (var m = 0; m < symbol.Length; m++)
        {
            alignment.Record(length + m, start, end, isSpace: true);
            output[length + m] = symbol[m];
        }
        return length + symbol.Length;
    }

    /// <summary>
    /// Normalizer::NormalizePrefix: the replacement for the longest rule matching the start of
    /// <paramref name="input"/>; returns how many input bytes it consumes.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int NormalizePrefix(ReadOnlySpan<byte> input, out ReadOnlySpan<byte> replacement)
    {
        if (_userSymbols is not null)
        {
            var userLength = _userSymbols.LongestPrefix(input, out _);
            if (userLength > 0)
            {
                replacement = input.Slice(0, userLength);
                return userLength;
            }
        }
        if (_charsMap is not null)
        {
            var matched = _charsMap.LongestPrefix(input, out replacement);
            if (matched > 0) return matched;
        }
        var charLength = Utf8Util.ValidCharLength(input);
        if (charLength == 0)
        {
            replacement = Utf8Util.ReplacementCharacter;
            return 1;
        }
        replacement = input.Slice(0, charLength);
        return charLength;
    }

    private static void EnsureCapacity(ref byte[] output, int length, int extra)
    {
        if (length + extra <= output.Length) return;
        Array.Resize(ref output, Math.Max(length + extra, output.Length * 2));
    }
}
