namespace Microsoft.ML.RemBert.Tokenization.SentencePiece;

/// <summary>Best path ending at one position of the Unigram lattice (sentencepiece's BestPathNode).</summary>
internal struct UnigramLatticeNode
{
    public float Score;
    /// <summary>Start of the last piece on the best path, or -1 when no path reaches here yet.</summary>
    public int Start;
    public int Id;
}
