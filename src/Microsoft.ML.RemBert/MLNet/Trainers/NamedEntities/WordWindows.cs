using Microsoft.ML.RemBert.Tokenization;

namespace Microsoft.ML.RemBert.MLNet.Trainers.NamedEntities;

/// <summary>One model input over a sentence: <c>[CLS] pieces [SEP]</c>, and which word's first piece sits at each position.</summary>
/// <param name="InputIds">Token ids, unpadded.</param>
/// <param name="WordAt">For each position, the index of the word whose first piece it holds; -1 for special tokens and later pieces of a word.</param>
internal sealed record WordWindow(int[] InputIds, int[] WordAt);

/// <summary>Where a word is predicted from: its first piece at <paramref name="Position"/> of window <paramref name="Window"/>.</summary>
internal readonly record struct WordPlacement(int Window, int Position);

/// <summary>
/// A sentence's words as model inputs: its windows (one when the sentence fits) and, per word, the window and position it
/// is predicted from (none for a sentence without words).
/// </summary>
internal sealed record WindowedWords(WordWindow[] Windows, WordPlacement[] Placements)
{
    /// <summary>Words of the sentence.</summary>
    public int WordCount => Placements.Length;

    /// <summary>Tokens of the longest window.</summary>
    public int Length => Windows.Length == 0 ? 0 : Windows.Max(window => window.InputIds.Length);
}

/// <summary>
/// Encodes a sentence given as words the way transformers does with <c>is_split_into_words=True</c>: each word is
/// tokenized on its own (so each starts a new piece), the pieces are concatenated, and the first piece of each word
/// stands for the word. A sentence longer than the window is covered by overlapping windows of at most
/// <c>maxSequenceLength</c> tokens sharing <c>stride</c> pieces, and each word is placed in the window where its
/// first piece has the most context (the fewest missing pieces on its poorer side), as BERT's max-context rule does for
/// question answering. Used by training and scoring alike, so both see the same ids. Thread-safe.
/// </summary>
internal sealed class WordWindows
{
    private static readonly RemBertEncodeOptions PiecesOnly = new() { AddSpecialTokens = false };

    private readonly RemBertTokenizer _tokenizer;
    private readonly int _windowPieces;
    private readonly int _stride;

    public WordWindows(RemBertTokenizer tokenizer, int maxSequenceLength, int stride)
    {
        if (maxSequenceLength < 3)
            throw new ArgumentOutOfRangeException(nameof(maxSequenceLength), maxSequenceLength, "A window needs room for [CLS], one piece and [SEP].");
        if (stride < 0 || stride >= maxSequenceLength - 2)
            throw new ArgumentOutOfRangeException(nameof(stride), stride, $"The stride must be at least 0 and less than {maxSequenceLength - 2}.");
        _tokenizer = tokenizer;
        _windowPieces = maxSequenceLength - 2;
        _stride = stride;
        MaxSequenceLength = maxSequenceLength;
        Stride = stride;
    }

    public RemBertTokenizer Tokenizer => _tokenizer;

    public int MaxSequenceLength { get; }

    public int Stride { get; }

    /// <summary>The pieces of one word; a word with none (empty, or only characters the normalizer removes) is the unknown token.</summary>
    public int[] Pieces(string word)
    {
        int[] ids = word.Length == 0 ? [] : _tokenizer.Encode(word, null, PiecesOnly).InputIds;
        return ids.Length == 0 ? [_tokenizer.UnkTokenId] : ids;
    }

    /// <summary>The windows of <paramref name="words"/> and each word's placement.</summary>
    public WindowedWords Encode(IReadOnlyList<string> words)
    {
        var pieces = new List<int>();
        var firstPiece = new int[words.Count];
        for (int word = 0; word < words.Count; word++)
        {
            firstPiece[word] = pieces.Count;
            pieces.AddRange(Pieces(words[word]));
        }
        if (words.Count == 0)
            return new WindowedWords([], []);

        var starts = WindowStarts(pieces.Count);
        var windows = starts.Select(start => Window(pieces, firstPiece, start, Math.Min(pieces.Count, start + _windowPieces))).ToArray();
        var placements = new WordPlacement[words.Count];
        for (int word = 0; word < words.Count; word++)
            placements[word] = Place(firstPiece[word], starts, pieces.Count);
        return new WindowedWords(windows, placements);
    }

    // Window k covers pieces [k × step, k × step + window), step = window - stride, until one reaches the end.
    private List<int> WindowStarts(int total)
    {
        var starts = new List<int> { 0 };
        int step = _windowPieces - _stride;
        while (starts[^1] + _windowPieces < total)
            starts.Add(starts[^1] + step);
        return starts;
    }

    private WordWindow Window(List<int> pieces, int[] firstPiece, int start, int end)
    {
        var ids = new int[end - start + 2];
        var wordAt = new int[ids.Length];
        Array.Fill(wordAt, -1);
        ids[0] = _tokenizer.ClsTokenId;
        for (int i = start; i < end; i++)
            ids[i - start + 1] = pieces[i];
        ids[^1] = _tokenizer.SepTokenId;
        // Words whose first piece lies in [start, end): firstPiece is increasing, so a binary search finds the first.
        int first = Array.BinarySearch(firstPiece, start);
        if (first < 0)
            first = ~first;
        for (int word = first; word < firstPiece.Length && firstPiece[word] < end; word++)
            wordAt[firstPiece[word] - start + 1] = word;
        return new WordWindow(ids, wordAt);
    }

    // The window where the piece has the most context: the largest smaller side, where a window's side that reaches the
    // sentence's start or end misses nothing. Ties go to the earlier window.
    private WordPlacement Place(int piece, List<int> starts, int total)
    {
        int best = -1;
        long bestContext = -1;
        for (int k = 0; k < starts.Count; k++)
        {
            int start = starts[k], end = Math.Min(total, start + _windowPieces);
            if (piece < start || piece >= end)
                continue;
            long left = start == 0 ? int.MaxValue : piece - start;
            long right = end == total ? int.MaxValue : end - 1 - piece;
            long context = Math.Min(left, right);
            if (context > bestContext)
            {
                best = k;
                bestContext = context;
            }
        }
        return new WordPlacement(best, piece - starts[best] + 1);
    }
}
