namespace Microsoft.ML.RemBert.Tokenization.SentencePiece;

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
