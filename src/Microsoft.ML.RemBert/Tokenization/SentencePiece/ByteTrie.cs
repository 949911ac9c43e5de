using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Microsoft.ML.RemBert.Tokenization.SentencePiece;

/// <summary>
/// Immutable double-array trie over byte strings (the vocabulary's UTF-8 pieces): one transition is one array read
/// and one compare, and a node's base, check and value share a cache line. Built once per model by
/// <see cref="ByteTrieBuilder"/>; safe to read from any number of threads.
/// </summary>
internal sealed class ByteTrie
{
    /// <summary>The root node.</summary>
    public const int Root = 0;
    /// <summary>No node / no value.</summary>
    public const int None = -1;

    internal struct Node
    {
        /// <summary>Child of this node by byte b is at Base + b.</summary>
        public int Base;
        /// <summary>Parent node index; <see cref="None"/> for free slots.</summary>
        public int Check;
        /// <summary>Value of the key ending here, or <see cref="None"/>.</summary>
        public int Value;
    }

    private readonly Node[] _nodes;

    internal ByteTrie(Node[] nodes, int keyCount)
    {
        _nodes = nodes;
        KeyCount = keyCount;
    }

    /// <summary>Number of keys stored.</summary>
    public int KeyCount { get; }

    /// <summary>The child of <paramref name="node"/> by <paramref name="label"/>, or <see cref="None"/>.</summary>
    /// <remarks>
    /// No bounds checks: the builder guarantees Base + 255 is inside the array for every node (leaves have Base 0
    /// and the array holds at least 256 slots), and <paramref name="node"/> always comes from this trie.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int Next(int node, byte label)
    {
        ref var first = ref MemoryMarshal.GetArrayDataReference(_nodes);
        var child = Unsafe.Add(ref first, node).Base + label;
        return Unsafe.Add(ref first, child).Check == node ? child : None;
    }

    /// <summary>The value stored at <paramref name="node"/> (a key ends there), or <see cref="None"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int ValueAt(int node) => Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_nodes), node).Value;

    /// <summary>A view for hot loops: the node array reference stays in a register across transitions.</summary>
    public Reader CreateReader() => new(_nodes);

    /// <summary>Unchecked transitions over the node array (same invariants as <see cref="Next"/>).</summary>
    internal readonly ref struct Reader
    {
        private readonly ref Node _first;

        public Reader(Node[] nodes) => _first = ref MemoryMarshal.GetArrayDataReference(nodes);

        /// <summary>Moves <paramref name="node"/> to its child by <paramref name="label"/>; false (node unchanged) when absent.
        /// <paramref name="value"/> is the value stored at the child, or <see cref="None"/>.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public bool TryNext(ref int node, byte label, out int value)
        {
            var index = Unsafe.Add(ref _first, node).Base + label;
            ref var child = ref Unsafe.Add(ref _first, index);
            if (child.Check != node)
            {
                value = None;
                return false;
            }
            node = index;
            value = child.Value;
            return true;
        }
    }

    /// <summary>Walks <paramref name="key"/> from <paramref name="node"/>; the node reached or <see cref="None"/>.</summary>
    public int Walk(int node, ReadOnlySpan<byte> key)
    {
        for (var i = 0; i < key.Length && node != None; i++) node = Next(node, key[i]);
        return node;
    }

    /// <summary>The value of exactly <paramref name="key"/>, or <see cref="None"/>.</summary>
    public int Find(ReadOnlySpan<byte> key)
    {
        var node = Walk(Root, key);
        return node == None ? None : ValueAt(node);
    }

    /// <summary>Length of the longest key that prefixes <paramref name="text"/> (0 when none) and its value.</summary>
    public int LongestPrefix(ReadOnlySpan<byte> text, out int value)
    {
        value = None;
        var length = 0;
        var node = Root;
        for (var i = 0; i < text.Length; i++)
        {
            node = Next(node, text[i]);
            if (node == None) break;
            var v = ValueAt(node);
            if (v != None)
            {
                value = v;
                length = i + 1;
            }
        }
        return length;
    }
}
