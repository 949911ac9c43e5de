using Microsoft.ML.RemBert.Tokenization.SentencePiece;
using Xunit;

namespace Microsoft.ML.RemBert.Tests.Tokenization;

/// <summary>The double-array trie finds exactly its keys (checked against a dictionary on random byte strings).</summary>
public sealed class ByteTrieTests
{
    [Fact]
    public void RandomKeys_FindAndLongestPrefix_AgreeWithBruteForce()
    {
        var random = new Random(7);
        var keys = new Dictionary<string, int>();
        // Small alphabets make long shared prefixes and dense sibling groups; the 0xE2 0x96 0x81 prefix mimics '▁'.
        while (keys.Count < 30_000)
        {
            var bytes = new byte[random.Next(1, 12)];
            for (var i = 0; i < bytes.Length; i++) bytes[i] = random.Next(4) == 0 ? (byte)random.Next(256) : (byte)random.Next(0x61, 0x66);
            if (random.Next(3) == 0) bytes = [0xE2, 0x96, 0x81, .. bytes];
            keys.TryAdd(Convert.ToHexString(bytes), keys.Count);
        }
        var trie = ByteTrieBuilder.Build(keys.Select(k => (Convert.FromHexString(k.Key), k.Value)));
        Assert.Equal(keys.Count, trie.KeyCount);
        foreach (var (hex, value) in keys) Assert.Equal(value, trie.Find(Convert.FromHexString(hex)));

        for (var n = 0; n < 5_000; n++)
        {
            var probe = new byte[random.Next(1, 16)];
            for (var i = 0; i < probe.Length; i++) probe[i] = (byte)random.Next(0x61, 0x67);
            var expectedLength = 0;
            var expectedValue = ByteTrie.None;
            for (var len = 1; len <= probe.Length; len++)
                if (keys.TryGetValue(Convert.ToHexString(probe, 0, len), out var v)) (expectedLength, expectedValue) = (len, v);
            Assert.Equal(expectedLength, trie.LongestPrefix(probe, out var value));
            Assert.Equal(expectedValue, value);
            Assert.Equal(keys.GetValueOrDefault(Convert.ToHexString(probe), ByteTrie.None), trie.Find(probe));
        }
    }
}
