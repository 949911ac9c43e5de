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
        var bytes = BoundedInputFile.ReadAllBytes(path, MaxCorpusBytes, "a UTF-8 text corpus, one passage per line");
        var noSpecials = new RemBertEncodeOptions { AddSpecialTokens = false };
        var stream = new List<int>();
        int start = 0, lineNumber = 0, lines = 0;
        // A UTF-8 byte-order mark on the first line is not text.
        if (bytes.AsSpan().StartsWith(Encoding.UTF8.Preamble)) start = Encoding.UTF8.Preamble.Length;
        while (start < bytes.Length)
        {
            if ((lineNumber & 1023) == 0) cancellationToken.ThrowIfCancellationRequested();
            lineNumber++;
            int end = Array.IndexOf(bytes, (byte)'\n', start);
            if (end < 0) end = bytes.Length;
            var lineBytes = bytes.AsSpan(start, end - start);
            int lineOffset = start;
            start = end + 1;
            int nul = lineBytes.IndexOf((byte)0);
            if (nul >= 0)
                throw new InvalidDataException($"{path}:{lineNumber}: byte {nul + 1} of the line is NUL: a corpus is UTF-8 text, one passage per line (is this a binary file?).");
            // The rules of every data file: a bounded line, UTF-8 (the message names the line, the byte and its offset).
            if (lineBytes.Length > DataFileLines.MaxLineBytes) throw DataFileLines.TooLong(path, lineNumber, DataFileLines.MaxLineBytes);
            string line = DataFileLines.Decode(lineBytes, path, lineNumber, lineOffset);
            if (string.IsNullOrWhiteSpace(line)) continue;
            lines++;
            stream.AddRange(tokenizer.Encode(line.TrimEnd('\r'), options: noSpecials).InputIds);
        }
        if (stream.Count == 0)
            throw new InvalidDataException($"{path}: the corpus has no text to train on ({lineNumber} lines, all blank).");
        return new PretrainingCorpus(Cut(stream, tokenizer.ClsTokenId, tokenizer.SepTokenId, maxLength), stream.Count, lines);
    }

    private static List<int[]> Cut(List<int> stream, int cls, int sep, int maxLength)
    {
        int run = maxLength - 2;
        var blocks = new List<int[]>((stream.Count + run - 1) / run);
        for (int first = 0; first < stream.Count; first += run)
        {
            int count = Math.Min(run, stream.Count - first);
            var block = new int[count + 2];
            block[0] = cls;
            stream.CopyTo(first, block, 1, count);
            block[^1] = sep;
            blocks.Add(block);
        }
        return blocks;
    }
}
