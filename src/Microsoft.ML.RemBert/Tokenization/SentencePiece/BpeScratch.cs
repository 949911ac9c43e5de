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
