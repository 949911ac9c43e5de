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

    /// <summary>
    /// Growing node array. Sibling groups go to the first fitting hole among recent free slots (a bounded search,
    /// like darts-clone's open blocks) or else to the never-used tail, which keeps building linear for 250k-piece
    /// vocabularies at the cost of a few abandoned holes.
    /// </summary>
    private sealed class State
    {
        /// <summary>Holes further than this below the used end are abandoned (darts-clone keeps 16 blocks of 256 open).</summary>
        private const int OpenWindow = 16 * Alphabet;
        /// <summary>Candidate holes tried per sibling group before falling back to the tail.</summary>
        private const int MaxAttempts = 256;
        private const int NotListed = -2;

        public ByteTrie.Node[] Nodes;
        /// <summary>One past the highest claimed slot; every slot at or above it is free.</summary>
        private int _used;
        /// <summary>Doubly linked list of free slots below <see cref="_used"/> (holes), oldest first.</summary>
        private int[] _nextHole, _prevHole;
        private int _firstHole = -1, _lastHole = -1;

        public State(int capacity)
        {
            Nodes = new ByteTrie.Node[capacity];
            _nextHole = new int[capacity];
            _prevHole = new int[capacity];
            MarkFree(0, capacity);
        }

        public void Claim(int index, int parent)
        {
            EnsureCapacity(index + Alphabet + 1);
            if (index >= _used)
            {
                for (var hole = _used; hole < index; hole++) AddHole(hole);
                _used = index + 1;
            }
            else
            {
                RemoveHole(index);
            }
            Nodes[index].Check = parent;
        }

        /// <summary>A base ≥ 1 whose slots base + label are all free (slot 0 is the root).</summary>
        public int FindBase(List<int> labels)
        {
            var first = labels[0];
            var attempts = 0;
            for (var slot = _firstHole; slot != -1 && attempts < MaxAttempts;)
            {
                var next = _nextHole[slot];
                if (slot < _used - OpenWindow)
                {
                    RemoveHole(slot); // too old: abandon it so searches stay short
                }
                else
                {
                    attempts++;
                    var candidate = slot - first;
                    if (candidate >= 1 && Fits(candidate, labels)) return candidate;
                }
                slot = next;
            }
            return Math.Max(1, _used - first);
        }

        private bool Fits(int candidate, List<int> labels)
        {
            EnsureCapacity(candidate + Alphabet + 1);
            foreach (var label in labels)
                if (Nodes[candidate + label].Check != ByteTrie.None) return false;
            return true;
        }

        public ByteTrie.Node[] Trimmed()
        {
            // Every base + 255 must stay inside the array (ByteTrie.Next reads without bounds checks): bases are
            // at most _used - 1, so _used + 256 slots suffice, and leaves (base 0) need at least 256.
            var length = Math.Max(_used + Alphabet, Alphabet + 1);
            EnsureCapacity(length);
            return Nodes[..length];
        }

        private void AddHole(int slot)
        {
            _prevHole[slot] = _lastHole;
            _nextHole[slot] = -1;
            if (_lastHole >= 0) _nextHole[_lastHole] = slot; else _firstHole = slot;
            _lastHole = slot;
        }

        private void RemoveHole(int slot)
        {
            if (_prevHole[slot] == NotListed) return;
            var prev = _prevHole[slot];
            var next = _nextHole[slot];
            if (prev >= 0) _nextHole[prev] = next; else _firstHole = next;
            if (next >= 0) _prevHole[next] = prev; else _lastHole = prev;
            _prevHole[slot] = NotListed;
        }

        private void EnsureCapacity(int size)
        {
            if (size <= Nodes.Length) return;
            var old = Nodes.Length;
            var newSize = Math.Max(size, old * 2);
            Array.Resize(ref Nodes, newSize);
            Array.Resize(ref _nextHole, newSize);
            Array.Resize(ref _prevHole, newSize);
            MarkFree(old, newSize);
        }

        private void MarkFree(int from, int to)
        {
            for (var i = from; i < to; i++)
            {
                Nodes[i] = new ByteTrie.Node { Base = 0, Check = ByteTrie.None, Value = ByteTrie.None };
                _prevHole[i] = NotListed;
            }
        }
    }
}
