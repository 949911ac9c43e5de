namespace Microsoft.ML.RemBert.Tokenization.SentencePiece;

/// <summary>
/// Per-thread working memory for one encode call: grown on demand, reused by later calls on the same thread, so
/// steady-state encoding allocates only its result.
/// </summary>
internal sealed class EncoderScratch
{
    private const int InitialBytes = 256;

    /// <summary>The input as UTF-8 (lone surrogates as their 3-byte generalized-UTF-8 form).</summary>
    public byte[] Utf8 = new byte[InitialBytes];
    /// <summary>Per UTF-8 byte: UTF-16 index where its character starts / ends (alignment only).</summary>
    public int[] Utf16Start = [];
    public int[] Utf16End = [];

    public byte[] Normalized = new byte[InitialBytes];
    /// <summary>Per normalized byte: input-byte span of its source chunk; end is stored as ~end for whitespace symbols.</summary>
    public int[] NormalizedSourceStart = [];
    public int[] NormalizedSourceEnd = [];

    /// <summary>Model output: pieces as (start, length) in normalized bytes and their ids.</summary>
    public int[] PieceStart = new int[InitialBytes];
    public int[] PieceLength = new int[InitialBytes];
    public int[] PieceId = new int[InitialBytes];
    public int PieceCount;

    /// <summary>Ids of the ids-only path.</summary>
    public int[] Ids = new int[InitialBytes];

    /// <summary>Unigram: best path ending at each normalized byte.</summary>
    public UnigramLatticeNode[] Lattice = new UnigramLatticeNode[InitialBytes];

    /// <summary>BPE working state.</summary>
    public BpeScratch Bpe = new();

    public void GrowAlignment(int size)
    {
        var newSize = Math.Max(size, Math.Max(InitialBytes, NormalizedSourceStart.Length * 2));
        Array.Resize(ref NormalizedSourceStart, newSize);
        Array.Resize(ref NormalizedSourceEnd, newSize);
    }

    /// <summary>Appends a model piece.</summary>
    public void AddPiece(int start, int length, int id)
    {
        if (PieceCount == PieceStart.Length)
        {
            var newSize = PieceCount * 2;
            Array.Resize(ref PieceStart, newSize);
            Array.Resize(ref PieceLength, newSize);
            Array.Resize(ref PieceId, newSize);
        }
        PieceStart[PieceCount] = start;
        PieceLength[PieceCount] = length;
        PieceId[PieceCount] = id;
        PieceCount++;
    }

    /// <summary>Ensures <paramref name="array"/> holds at least <paramref name="size"/> items (contents not kept).</summary>
    public static void EnsureSize<T>(ref T[] array, int size)
    {
        if (array.Length < size) array = new T[Math.Max(size, array.Length * 2)];
    }
}
