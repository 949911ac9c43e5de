using System.Buffers.Binary;
using System.Text;
using System.Text.RegularExpressions;

namespace Microsoft.ML.RemBert.Tests.Hostile;

/// <summary>
/// Seeded mutations of a valid file, each returned with a description that reproduces it: bit flips, byte insertions
/// and deletions, truncation, length fields overwritten with boundary values, splices of the file into itself, and
/// for JSON text, numbers replaced by extreme ones and values by other JSON types.
/// </summary>
internal static partial class ByteMutator
{
    /// <summary>Values a length or count field is most likely to be mishandled at.</summary>
    private static readonly ulong[] BoundaryValues =
    {
        0, 1, 2, 0x7F, 0x80, 0xFF, 0x7FFF, 0x8000, 0xFFFF, 0x7FFF_FFFF, 0x8000_0000, 0xFFFF_FFFF,
        0x7FFF_FFFF_FFFF_FFFF, 0x8000_0000_0000_0000, ulong.MaxValue, 100_000_000, 1UL << 40,
    };

    /// <summary>JSON values that stress a reader: out-of-range and fractional numbers, other types, deep nesting.</summary>
    private static readonly string[] HostileJsonValues =
    {
        "0", "-1", "2147483648", "-2147483649", "9223372036854775808", "99999999999999999999", "1e30", "1e400", "-0", "0.5",
        "null", "true", "\"\"", "\"x\"", "[]", "{}", "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]",
    };

    /// <summary>A mutation of <paramref name="valid"/> chosen by <paramref name="random"/>, and how to redo it.</summary>
    /// <param name="valid">The file to mutate (not modified).</param>
    /// <param name="random">The seeded source of every choice.</param>
    /// <param name="lengthFieldOffsets">Offsets of known length fields (e.g. safetensors' header length at 0), tampered with more often.</param>
    /// <param name="json">True when the file is (or starts with) JSON text worth mutating token by token.</param>
    public static (byte[] Bytes, string Description) Mutate(byte[] valid, Random random, IReadOnlyList<int>? lengthFieldOffsets = null, bool json = false)
    {
        int kinds = json ? 9 : 7;
        int count = 1 + random.Next(3); // stacked mutations find more than single ones
        var bytes = valid;
        var descriptions = new List<string>();
        for (int m = 0; m < count; m++)
        {
            var (next, description) = random.Next(kinds) switch
            {
                0 => FlipBits(bytes, random),
                1 => Insert(bytes, random),
                2 => Delete(bytes, random),
                3 => Truncate(bytes, random),
                4 => OverwriteInteger(bytes, random, random.Next(bytes.Length + 1)),
                5 => lengthFieldOffsets is { Count: > 0 } ? OverwriteInteger(bytes, random, lengthFieldOffsets[random.Next(lengthFieldOffsets.Count)]) : FlipBits(bytes, random),
                6 => Splice(bytes, random),
                7 => ReplaceJsonValue(bytes, random),
                _ => DuplicateJsonKey(bytes, random),
            };
            bytes = next;
            descriptions.Add(description);
        }
        return (bytes, string.Join("; ", descriptions));
    }

    private static (byte[], string) FlipBits(byte[] bytes, Random random)
    {
        if (bytes.Length == 0) return (bytes, "flip (empty)");
        var copy = (byte[])bytes.Clone();
        int at = random.Next(copy.Length), bit = random.Next(8);
        copy[at] ^= (byte)(1 << bit);
        return (copy, $"flip bit {bit} of byte {at}");
    }

    private static (byte[], string) Insert(byte[] bytes, Random random)
    {
        int at = random.Next(bytes.Length + 1);
        var inserted = new byte[1 + random.Next(8)];
        random.NextBytes(inserted);
        return (bytes[..at].Concat(inserted).Concat(bytes[at..]).ToArray(), $"insert {Convert.ToHexString(inserted)} at {at}");
    }

    private static (byte[], string) Delete(byte[] bytes, Random random)
    {
        if (bytes.Length == 0) return (bytes, "delete (empty)");
        int at = random.Next(bytes.Length), length = Math.Min(1 + random.Next(16), bytes.Length - at);
        return (bytes[..at].Concat(bytes[(at + length)..]).ToArray(), $"delete {length} byte(s) at {at}");
    }

    private static (byte[], string) Truncate(byte[] bytes, Random random)
    {
        int length = random.Next(bytes.Length + 1);
        return (bytes[..length], $"truncate to {length} byte(s)");
    }

    private static (byte[], string) OverwriteInteger(byte[] bytes, Random random, int at)
    {
        int width = new[] { 1, 2, 4, 8 }[random.Next(4)];
        ulong value = random.Next(4) == 0 ? (ulong)random.NextInt64() : BoundaryValues[random.Next(BoundaryValues.Length)];
        var copy = bytes.Length >= at + width ? (byte[])bytes.Clone() : bytes.Concat(new byte[at + width - bytes.Length]).ToArray();
        Span<byte> encoded = stackalloc byte[sizeof(ulong)];
        BinaryPrimitives.WriteUInt64LittleEndian(encoded, value);
        encoded[..width].CopyTo(copy.AsSpan(at));
        return (copy, $"write {width}-byte 0x{value:X} at {at}");
    }

    private static (byte[], string) Splice(byte[] bytes, Random random)
    {
        if (bytes.Length == 0) return (bytes, "splice (empty)");
        int from = random.Next(bytes.Length), length = Math.Min(1 + random.Next(64), bytes.Length - from), to = random.Next(bytes.Length + 1);
        var chunk = bytes.AsSpan(from, length).ToArray();
        return (bytes[..to].Concat(chunk).Concat(bytes[to..]).ToArray(), $"splice {length} byte(s) from {from} into {to}");
    }

    private static (byte[], string) ReplaceJsonValue(byte[] bytes, Random random)
    {
        var text = Encoding.UTF8.GetString(bytes);
        var values = JsonScalar().Matches(text);
        if (values.Count == 0) return FlipBits(bytes, random);
        var target = values[random.Next(values.Count)];
        var replacement = HostileJsonValues[random.Next(HostileJsonValues.Length)];
        var mutated = text[..target.Index] + replacement + text[(target.Index + target.Length)..];
        return (Encoding.UTF8.GetBytes(mutated), $"replace JSON value '{target.Value}' at char {target.Index} with {replacement}");
    }

    private static (byte[], string) DuplicateJsonKey(byte[] bytes, Random random)
    {
        var text = Encoding.UTF8.GetString(bytes);
        var members = JsonMember().Matches(text);
        if (members.Count == 0) return FlipBits(bytes, random);
        var member = members[random.Next(members.Count)];
        var mutated = text[..member.Index] + member.Value + ", " + text[member.Index..];
        return (Encoding.UTF8.GetBytes(mutated), $"repeat JSON member '{member.Value}' at char {member.Index}");
    }

    [GeneratedRegex(@"-?\d+(\.\d+)?([eE][+-]?\d+)?|""[^""\\]*""|true|false|null")]
    private static partial Regex JsonScalar();

    [GeneratedRegex(@"""[^""\\]*""\s*:\s*(-?\d+(\.\d+)?([eE][+-]?\d+)?|""[^""\\]*""|true|false|null)")]
    private static partial Regex JsonMember();
}
