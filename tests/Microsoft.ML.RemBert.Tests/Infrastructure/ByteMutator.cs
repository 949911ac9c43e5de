using System.Text;

namespace Microsoft.ML.RemBert.Tests.Infrastructure;

/// <summary>
/// Seeded mutations of a valid file's bytes for fuzz tests: bit flips, boundary integers, inserted, deleted, repeated
/// and truncated ranges, and tokens of the format (<see cref="Tokens"/>). The same seed gives the same case, so a
/// failure message's seed reproduces it.
/// </summary>
public sealed class ByteMutator(IReadOnlyList<string>? tokens = null)
{
    private static readonly int[] BoundaryInts = [0, 1, -1, 2, 0x7F, 0x80, 0xFF, 0x100, 0xFFFF, 0x10000, int.MaxValue, int.MinValue, int.MaxValue - 7];

    /// <summary>Format tokens spliced in by <see cref="Mutate"/> (e.g. JSON punctuation and keys).</summary>
    public IReadOnlyList<string> Tokens { get; } = tokens ?? [];

    /// <summary>One to four mutations of <paramref name="original"/>; with <paramref name="inPlaceOnly"/>, only those that keep every offset.</summary>
    public byte[] Mutate(byte[] original, Random random, bool inPlaceOnly = false)
    {
        var bytes = new List<byte>(original);
        int count = 1 + random.Next(4);
        for (int i = 0; i < count && bytes.Count > 0; i++)
        {
            int at = random.Next(bytes.Count);
            switch (random.Next(inPlaceOnly ? 3 : 8))
            {
                case 0: bytes[at] ^= (byte)(1 << random.Next(8)); break;
                case 1: bytes[at] = (byte)random.Next(256); break;
                case 2: Overwrite(bytes, at, BitConverter.GetBytes(BoundaryInts[random.Next(BoundaryInts.Length)])); break;
                case 3: bytes.InsertRange(at, RandomBytes(random, 1 + random.Next(8))); break;
                case 4: bytes.RemoveRange(at, Math.Min(bytes.Count - at, 1 + random.Next(16))); break;
                case 5:
                    int from = random.Next(bytes.Count);
                    bytes.InsertRange(at, bytes.GetRange(from, Math.Min(bytes.Count - from, 1 + random.Next(32))));
                    break;
                case 6: bytes.RemoveRange(at, bytes.Count - at); break;
                default:
                    if (Tokens.Count > 0) bytes.InsertRange(at, Encoding.UTF8.GetBytes(Tokens[random.Next(Tokens.Count)]));
                    break;
            }
        }
        return bytes.ToArray();
    }

    private static void Overwrite(List<byte> bytes, int at, byte[] value)
    {
        for (int i = 0; i < value.Length && at + i < bytes.Count; i++) bytes[at + i] = value[i];
    }

    private static byte[] RandomBytes(Random random, int length)
    {
        var result = new byte[length];
        random.NextBytes(result);
        return result;
    }
}
