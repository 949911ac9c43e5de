using System.Text;

namespace Microsoft.ML.RemBert.Tokenization;

public sealed partial class RemBertTokenizer
{
    /// <summary>Text of <paramref name="ids"/>: runs of ordinary pieces are joined as SentencePiece does ('▁' becomes a
    /// space, byte pieces are reassembled into UTF-8), special tokens are written as their text between those runs
    /// separated by spaces (transformers' <c>spaces_between_special_tokens</c>), or dropped with
    /// <paramref name="skipSpecialTokens"/>. The unknown piece is the [UNK] special token. No clean-up of spaces before
    /// punctuation is applied.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An id outside the vocabulary.</exception>
    public string Decode(IEnumerable<int> ids, bool skipSpecialTokens = false)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var parts = new List<string>();
        var run = new List<int>();
        var position = 0;
        foreach (var id in ids)
        {
            if (id < 0 || id >= SentencePiece.VocabularySize)
                throw new ArgumentOutOfRangeException(nameof(ids), id, $"Id {id} at position {position} is outside the vocabulary of {SentencePiece.VocabularySize} pieces.");
            position++;
            if (!_specialTokenById.TryGetValue(id, out var special))
            {
                run.Add(id);
                continue;
            }
            // A skipped token does not end the run: the pieces around it join as if it had never been there.
            if (skipSpecialTokens) continue;
            FlushRun(parts, run);
            parts.Add(special);
        }
        FlushRun(parts, run);
        return string.Join(' ', parts);
    }

    private void FlushRun(List<string> parts, List<int> run)
    {
        if (run.Count == 0) return;
        var text = SentencePiece.Decode(run);
        if (text.Length > 0) parts.Add(text);
        run.Clear();
    }
}
