namespace Microsoft.ML.RemBert.Tokenization.SentencePiece;

/// <summary>Builds a <see cref="ByteTrie"/> (double array) from distinct byte-string keys.</summary>
internal static class ByteTrieBuilder
{
    private const int InitialCapacity = 1024;
    private const int Alphabet = 256;

    /// <summary>Builds the trie; later duplicates of a key are ignored (the first value wins).</summary>
    public static ByteTrie Build(IEnumerable<(byte[] Key, int Value)> entries)
    {
        var keys = entries.Where(e => e.Key.Length > 0).ToList();
        keys.Sort((a, b) => a.Key.AsSpan().SequenceCompareTo(b.Key));
        var state = new State(InitialCapacity + keys.Count * 2);
        state.Claim(ByteTrie.Root, ByteTrie.None);
        // Explicit stack of (node, first key, end key, depth): keys sharing the first `depth` bytes hang under `node`.
        var stack = new Stack<(int Node, int Lo, int Hi, int Depth)>();
        stack.Push((ByteTrie.Root, 0, keys.Count, 0));
        var labels = new List<int>(Alphabet);
        var ranges = new List<(int Lo, int Hi)>(Alphabet);
        while (stack.Count > 0)
        {
            var (node, lo, hi, depth) = stack.Pop();
            if (lo < hi && keys[lo].Key.Length == depth)
            {
                state.Nodes[node].Value = keys[lo].Value;
                lo++;
                while (lo < hi && keys[lo].Key.Length == depth) lo++; // duplicate key: first value wins
            }
            if (lo >= hi) continue;
            labels.Clear();
            ranges.Clear();
            for (var i = lo; i < hi;)
            {
                var label = keys[i].Key[depth];
                var j = i + 1;
                while (j < hi && keys[j].Key[depth] == label) j++;
                labels.Add(label);
                ranges.Add((i, j));
                i = j;
            }
            var baseIndex = state.FindBase(labels);
            state.Nodes[node].Base = baseIndex;
            for (var k = 0; k < labels.Count; k++)
            {
                var child = baseIndex + labels[k];
                state.Claim(child, node);
                stack.Push((child, ranges[k].Lo, ranges[k].Hi, depth + 1));
            }
        }
        return new ByteTrie(state.Trimmed(), keys.Count);
    }

    /// <summary>Growing node array with first-fit placement of sibling groups.</summary>
    private sealed class State
    {
        public ByteTrie.Node[] Nodes;
        private int _firstFree = 1;
        private int _used;

        public State(int capacity)
        {
            Nodes = new ByteTrie.Node[capacity];
            MarkFree(0, capacity);
        }

        public void Claim(int index, int parent)
        {
            EnsureCapacity(index + 1);
            Nodes[index].Check = parent;
            _used = Math.Max(_used, index + 1);
            while (_firstFree < Nodes.Length && Nodes[_firstFree].Check != ByteTrie.None) _firstFree++;
        }

        /// <summary>Smallest base ≥ 1 whose slots base + label are all free (slot 0 is the root).</summary>
        public int FindBase(List<int> labels)
        {
            var first = labels[0];
            for (var slot = Math.Max(_firstFree, first + 1); ; slot++)
            {
                EnsureCapacity(slot + Alphabet + 1);
                if (Nodes[slot].Check != ByteTrie.None) continue;
                var candidate = slot - first;
                var fits = true;
                for (var k = 1; k < labels.Count && fits; k++) fits = Nodes[candidate + labels[k]].Check == ByteTrie.None;
                if (fits) return candidate;
            }
        }

        public ByteTrie.Node[] Trimmed()
        {
            // Every base + 255 must stay inside the array (ByteTrie.Next reads without bounds checks): bases come from
            // FindBase, which keeps base + 255 below _used + 256, and leaves (base 0) need at least 256 slots.
            var length = Math.Max(_used + Alphabet, Alphabet + 1);
            EnsureCapacity(length);
            return Nodes[..length];
        }

        private void EnsureCapacity(int size)
        {
            if (size <= Nodes.Length) return;
            var old = Nodes.Length;
            Array.Resize(ref Nodes, Math.Max(size, old * 2));
            MarkFree(old, Nodes.Length);
        }

        private void MarkFree(int from, int to)
        {
            for (var i = from; i < to; i++) Nodes[i] = new ByteTrie.Node { Base = 0, Check = ByteTrie.None, Value = ByteTrie.None };
        }
    }
}
