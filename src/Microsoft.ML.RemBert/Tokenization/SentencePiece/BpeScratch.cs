namespace Microsoft.ML.RemBert.Tokenization.SentencePiece;

/// <summary>BPE working arrays: the symbol list and the agenda of candidate merges.</summary>
internal sealed class BpeScratch
{
    private const int InitialSymbols = 256;

    /// <summary>Doubly linked symbols over the normalized text; a merged-away symbol has length 0.</summary>
    public int[] Prev = new int[InitialSymbols];
    public int[] Next = new int[InitialSymbols];
    public int[] Start = new int[InitialSymbols];
    public int[] Length = new int[InitialSymbols];
    /// <summary>Trie node spelling the symbol, or -1 when no piece starts with it (it can then never merge left).</summary>
    public int[] Node = new int[InitialSymbols];
    /// <summary>User-defined symbols never merge.</summary>
    public bool[] Frozen = new bool[InitialSymbols];
    /// <summary>Linear-scan merging: trie node of the piece formed by symbols i and i+1, or -1.</summary>
    public int[] PairNode = new int[InitialSymbols];

    public BpeMergeHeap Agenda = new();

    /// <summary>UNUSED piece id → byte length of the left part it was last proposed from (sentencepiece's rev_merge,
    /// last writer wins); the final symbol is split back at that point.</summary>
    public Dictionary<int, int> ReverseMerges = new();

    public void EnsureSymbols(int count)
    {
        if (Prev.Length >= count) return;
        var size = Math.Max(count, Prev.Length * 2);
        Prev = new int[size];
        Next = new int[size];
        Start = new int[size];
        Length = new int[size];
        Node = new int[size];
        Frozen = new bool[size];
        PairNode = new int[size];
    }
}

/// <summary>A candidate merge of symbols Left and Right into the piece of trie node Node.</summary>
internal struct BpeMerge
{
    public float Score;
    public int Left;
    public int Right;
    /// <summary>Byte length of the merged piece: stale entries no longer add up to it.</summary>
    public int Size;
    public int Node;
}

/// <summary>
/// Binary max-heap with sentencepiece's agenda order: higher score first, then the leftmost pair. Entries that
/// compare equal under that order are never both valid, so the heap layout cannot change results.
/// </summary>
internal sealed class BpeMergeHeap
{
    private BpeMerge[] _items = new BpeMerge[256];

    public int Count { get; private set; }

    public void Clear() => Count = 0;

    public void Push(in BpeMerge item)
    {
        if (Count == _items.Length) Array.Resize(ref _items, Count * 2);
        var i = Count++;
        while (i > 0)
        {
            var parent = (i - 1) >> 1;
            if (!Before(item, _items[parent])) break;
            _items[i] = _items[parent];
            i = parent;
        }
        _items[i] = item;
    }

    public BpeMerge Pop()
    {
        var top = _items[0];
        var last = _items[--Count];
        var i = 0;
        while (true)
        {
            var child = 2 * i + 1;
            if (child >= Count) break;
            if (child + 1 < Count && Before(_items[child + 1], _items[child])) child++;
            if (!Before(_items[child], last)) break;
            _items[i] = _items[child];
            i = child;
        }
        if (Count > 0) _items[i] = last;
        return top;
    }

    private static bool Before(in BpeMerge a, in BpeMerge b) => a.Score > b.Score || (a.Score == b.Score && a.Left < b.Left);
}
