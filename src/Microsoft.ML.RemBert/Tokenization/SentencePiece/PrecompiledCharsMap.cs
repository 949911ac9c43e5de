using System.Buffers.Binary;
using System.Runtime.CompilerServices;

namespace Microsoft.ML.RemBert.Tokenization.SentencePiece;

/// <summary>
/// NormalizerSpec.precompiled_charsmap: a Darts-clone double-array trie over UTF-8 keys whose values are offsets of
/// NUL-terminated replacement strings in a second blob. Layout: uint32 LE trie size in bytes, the trie units
/// (uint32 LE each), then the replacement strings. Lookups reproduce Darts' <c>commonPrefixSearch</c> bit for bit.
/// </summary>
internal sealed class PrecompiledCharsMap
{
    private const int UnitSize = sizeof(uint);
    private const uint LeafFlagBit = 1u << 8;
    private const uint ExtensionBit = 1u << 9;
    private const int OffsetShift = 10;
    private const int ExtensionShiftShift = 6;
    private const uint LabelMask = 0x8000_00FFu;
    private const uint ValueMask = 0x7FFF_FFFFu;

    private readonly uint[] _units;
    private readonly byte[] _replacements;
    /// <summary>Length of the NUL-terminated string starting at each replacement offset (precomputed: O(1) lookups).</summary>
    private readonly int[] _replacementLength;
    /// <summary>The node reached from the root by each first byte, or -1: the first step of every lookup.</summary>
    private readonly int[] _firstStep;

    /// <summary>Names the model in the error a corrupt replacement offset raises while encoding.</summary>
    private readonly string _context;

    private PrecompiledCharsMap(uint[] units, byte[] replacements, string context)
    {
        _context = context;
        _units = units;
        _replacements = replacements;
        _replacementLength = new int[replacements.Length + 1];
        for (var i = replacements.Length - 1; i >= 0; i--)
            _replacementLength[i] = replacements[i] == 0 ? 0 : _replacementLength[i + 1] + 1;
        _firstStep = new int[256];
        for (var b = 0; b < 256; b++) _firstStep[b] = Step(Offset(_units[0]), (byte)b);
    }

    /// <summary>Decodes the blob; throws naming <paramref name="context"/> when its framing is broken.</summary>
    public static PrecompiledCharsMap Parse(ReadOnlySpan<byte> blob, string context)
    {
        if (blob.Length <= sizeof(uint)) throw new SentencePieceModelException($"{context}: precompiled_charsmap is too short ({blob.Length} bytes).");
        var trieSize = BinaryPrimitives.ReadUInt32LittleEndian(blob);
        if (trieSize == 0 || trieSize > (uint)(blob.Length - sizeof(uint)) || trieSize % UnitSize != 0)
            throw new SentencePieceModelException($"{context}: precompiled_charsmap trie size {trieSize} does not fit its {blob.Length}-byte blob.");
        var trieBytes = blob.Slice(sizeof(uint), (int)trieSize);
        var units = new uint[trieBytes.Length / UnitSize];
        for (var i = 0; i < units.Length; i++) units[i] = BinaryPrimitives.ReadUInt32LittleEndian(trieBytes.Slice(i * UnitSize));
        return new PrecompiledCharsMap(units, blob.Slice(sizeof(uint) + (int)trieSize).ToArray(), context);
    }

    /// <summary>
    /// True when no key longer than one byte starts with ASCII byte <paramref name="b"/> followed by an ASCII byte:
    /// then, before another ASCII byte, the match for <paramref name="b"/> is decided by <paramref name="b"/> alone.
    /// </summary>
    public bool IsSelfContainedBeforeAscii(byte b)
    {
        var node = _firstStep[b];
        if (node < 0) return true;
        var offset = node ^ (int)Offset(_units[node]);
        for (var next = 0; next < 0x80; next++)
            if (Step((uint)offset, (byte)next) >= 0) return false;
        return true;
    }

    /// <summary>
    /// Longest key that is a prefix of <paramref name="input"/>: returns its byte length (0 when none) and the
    /// replacement through <paramref name="replacement"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int LongestPrefix(ReadOnlySpan<byte> input, out ReadOnlySpan<byte> replacement)
    {
        replacement = default;
        var node = _firstStep[input[0]];
        if (node < 0) return 0;
        var units = _units;
        var longest = 0;
        var value = 0;
        var i = 0;
        while (true)
        {
            var unit = units[node];
            node ^= (int)Offset(unit);
            if ((unit & LeafFlagBit) != 0)
            {
                if ((uint)node >= (uint)units.Length) break;
                longest = i + 1;
                value = (int)(units[node] & ValueMask);
            }
            if (++i >= input.Length) break;
            node = Step((uint)node, input[i]);
            if (node < 0) break;
        }
        if (longest == 0) return 0;
        if ((uint)value >= (uint)_replacements.Length) throw new SentencePieceModelException($"{_context}: precompiled_charsmap is corrupt: replacement offset {value} is past its {_replacements.Length}-byte string table.");
        replacement = new ReadOnlySpan<byte>(_replacements, value, _replacementLength[value]);
        return longest;
    }

    /// <summary>Darts transition: the child of the node whose offset is <paramref name="offset"/> by <paramref name="label"/>, or -1.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int Step(uint offset, byte label)
    {
        var next = offset ^ label;
        if (next >= (uint)_units.Length) return -1;
        return (_units[next] & LabelMask) == label ? (int)next : -1;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint Offset(uint unit) => (unit >> OffsetShift) << (int)((unit & ExtensionBit) >> ExtensionShiftShift);
}
