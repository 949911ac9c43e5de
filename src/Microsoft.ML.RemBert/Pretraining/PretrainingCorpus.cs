using System.Text;
using Microsoft.ML.RemBert.IO;
using Microsoft.ML.RemBert.Tokenization;

namespace Microsoft.ML.RemBert.Pretraining;

/// <summary>
/// A plain-text corpus (UTF-8, one paragraph or sentence per line, blank lines ignored) tokenized and cut into training
/// blocks as transformers' <c>run_mlm.py</c> groups texts: the lines' tokens are concatenated and cut into runs of
/// <c>maxLength - 2</c>, each framed as <c>[CLS] … [SEP]</c>. The last, shorter run is kept (a tiny corpus still
/// trains), padded when batched.
/// </summary>
internal sealed class PretrainingCorpus
{
    /// <summary>The largest corpus file read (it is held in memory as token ids).</summary>
    public const long MaxCorpusBytes = 4L << 30;

    private PretrainingCorpus(IReadOnlyList<int[]> blocks, long tokens, int lines)
    {
        Blocks = blocks;
        Tokens = tokens;
        Lines = lines;
    }

    /// <summary>Training blocks of token ids, specials included.</summary>
    public IReadOnlyList<int[]> Blocks { get; }

    /// <summary>Text tokens (no specials) over the whole corpus.</summary>
    public long Tokens { get; }

    /// <summary>Non-blank lines read.</summary>
    public int Lines { get; }

    /// <summary>Reads and tokenizes <paramref name="path"/>.</summary>
    /// <exception cref="InvalidDataException">A line is not UTF-8 or holds a NUL byte (the message names the file and line), or the corpus has no text.</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="FileRefusedException">The path is not a regular file, or it is too large.</exception>
    public static PretrainingCorpus Read(string path, RemBertTokenizer tokenizer, int maxLength, CancellationToken cancellationToken)
    {
        var stream = new List<int>();
        int lines = 0, lineNumber = 0;
        foreach (var (number, line) in TextLines(path, "a UTF-8 text corpus, one passage per line", cancellationToken))
        {
            lineNumber = number;
            if (string.IsNullOrWhiteSpace(line)) continue;
            lines++;
            stream.AddRange(tokenizer.Encode(line, options: NoSpecials).InputIds);
        }
        if (stream.Count == 0)
            throw new InvalidDataException($"{path}: the corpus has no text to train on ({lineNumber} lines, all blank).");
        return new PretrainingCorpus(Cut(stream, tokenizer.ClsTokenId, tokenizer.SepTokenId, maxLength), stream.Count, lines);
    }

    /// <summary>
    /// Reads an aligned corpus for <see cref="PretrainingObjective.TranslationRanking"/>: one group of translations per
    /// line, its texts separated by tabs (blank lines ignored). A group of two gives one pair; a larger group pairs each
    /// text with the next and the last with the first, so every language is paired directly with two others rather
    /// than only through English. Each block is one pair, both texts framed alone and truncated to
    /// <paramref name="maxLength"/>: <c>[CLS] a [SEP] [CLS] b [SEP]</c> (<see cref="SplitPair"/> parts them again).
    /// </summary>
    /// <exception cref="InvalidDataException">A line is not UTF-8, holds a NUL byte, has fewer than two texts or an empty one (the message names the file, line and text).</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="FileRefusedException">The path is not a regular file, or it is too large.</exception>
    public static PretrainingCorpus ReadAligned(string path, RemBertTokenizer tokenizer, int maxLength, CancellationToken cancellationToken)
    {
        var pairs = new List<int[]>();
        long tokens = 0;
        int lines = 0, lineNumber = 0;
        foreach (var (number, line) in TextLines(path, "an aligned corpus, one group of tab-separated translations per line", cancellationToken))
        {
            lineNumber = number;
            if (string.IsNullOrWhiteSpace(line)) continue;
            lines++;
            var texts = line.Split('\t');
            if (texts.Length < 2)
                throw new InvalidDataException($"{path}:{number}: the line holds one text; a group needs at least two translations separated by tabs.");
            var framed = new int[texts.Length][];
            for (int i = 0; i < texts.Length; i++)
            {
                if (string.IsNullOrWhiteSpace(texts[i]))
                    throw new InvalidDataException($"{path}:{number}: text {i + 1} of {texts.Length} (tab-separated) is empty.");
                framed[i] = Frame(tokenizer.Encode(texts[i], options: NoSpecials).InputIds, tokenizer.ClsTokenId, tokenizer.SepTokenId, maxLength);
            }
            int pairCount = texts.Length == 2 ? 1 : texts.Length;
            for (int i = 0; i < pairCount; i++)
            {
                var (first, second) = (framed[i], framed[(i + 1) % texts.Length]);
                pairs.Add([.. first, .. second]);
                tokens += first.Length + second.Length - 4;
            }
        }
        if (pairs.Count == 0)
            throw new InvalidDataException($"{path}: the aligned corpus has no group to train on ({lineNumber} lines, all blank).");
        return new PretrainingCorpus(pairs, tokens, lines);
    }

    /// <summary>The two framed texts of a <see cref="ReadAligned"/> block: the second starts at the last <c>[CLS]</c>.</summary>
    public static (ArraySegment<int> First, ArraySegment<int> Second) SplitPair(int[] block, int clsTokenId)
    {
        int second = Array.LastIndexOf(block, clsTokenId);
        if (second <= 0) throw new ArgumentException("The block is not a pair of framed texts.", nameof(block));
        return (new ArraySegment<int>(block, 0, second), new ArraySegment<int>(block, second, block.Length - second));
    }

    private static readonly RemBertEncodeOptions NoSpecials = new() { AddSpecialTokens = false };

    // The rules of every data file: a bounded line, UTF-8 without NUL (the message names the line, the byte and its
    // offset); a UTF-8 byte-order mark on the first line is not text. Lines are yielded without their line break.
    private static IEnumerable<(int Number, string Text)> TextLines(string path, string expected, CancellationToken cancellationToken)
    {
        var bytes = BoundedInputFile.ReadAllBytes(path, MaxCorpusBytes, expected);
        int start = 0, lineNumber = 0;
        if (bytes.AsSpan().StartsWith(Encoding.UTF8.Preamble)) start = Encoding.UTF8.Preamble.Length;
        while (start < bytes.Length)
        {
            if ((lineNumber & 1023) == 0) cancellationToken.ThrowIfCancellationRequested();
            lineNumber++;
            int end = Array.IndexOf(bytes, (byte)'\n', start);
            if (end < 0) end = bytes.Length;
            int lineOffset = start;
            int length = end - start;
            start = end + 1;
            int nul = bytes.AsSpan(lineOffset, length).IndexOf((byte)0);
            if (nul >= 0)
                throw new InvalidDataException($"{path}:{lineNumber}: byte {nul + 1} of the line is NUL: a corpus is UTF-8 text (is this a binary file?).");
            if (length > DataFileLines.MaxLineBytes) throw DataFileLines.TooLong(path, lineNumber, DataFileLines.MaxLineBytes);
            yield return (lineNumber, DataFileLines.Decode(bytes.AsSpan(lineOffset, length), path, lineNumber, lineOffset).TrimEnd('\r'));
        }
    }

    private static int[] Frame(IReadOnlyList<int> ids, int cls, int sep, int maxLength)
    {
        int count = Math.Min(ids.Count, maxLength - 2);
        var framed = new int[count + 2];
        framed[0] = cls;
        for (int i = 0; i < count; i++) framed[i + 1] = ids[i];
        framed[^1] = sep;
        return framed;
    }

    private static List<int[]> Cut(List<int> stream, int cls, int sep, int maxLength)
    {
        int run = maxLength - 2;
        var blocks = new List<int[]>((stream.Count + run - 1) / run);
        for (int first = 0; first < stream.Count; first += run)
            blocks.Add(Frame(stream.GetRange(first, Math.Min(run, stream.Count - first)), cls, sep, maxLength));
        return blocks;
    }
}
