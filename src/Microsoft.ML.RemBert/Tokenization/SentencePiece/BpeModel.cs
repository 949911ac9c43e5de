namespace Microsoft.ML.RemBert.Tokenization.SentencePiece;

/// <summary>
/// sentencepiece's BPE (bpe::Model::SampleEncode without dropout): start from characters (user-defined symbols as
/// frozen units), repeatedly merge the adjacent pair whose concatenation is the best-scored piece (ties: leftmost),
/// then split UNUSED results back into their parts. Pairs are found by continuing the left symbol's trie walk.
/// </summary>
internal sealed class BpeModel : SegmentationModel
{
    private readonly SentencePieceVocabulary _vocabulary;
    private readonly ByteTrie _trie;
    private readonly ByteTrie? _userSymbols;
    private readonly float[] _scores;

    public BpeModel(SentencePieceVocabulary vocabulary)
    {
        _vocabulary = vocabulary;
        _trie = vocabulary.NormalTrie;
        _userSymbols = vocabulary.UserSymbols.KeyCount > 0 ? vocabulary.UserSymbols : null;
        _scores = vocabulary.Scores;
    }

    public override void Segment(ReadOnlySpan<byte> normalized, EncoderScratch scratch)
    {
        scratch.PieceCount = 0;
        if (normalized.IsEmpty) return;
        var s = scratch.Bpe;
        s.EnsureSymbols(normalized.Length);
        s.Agenda.Clear();
        s.ReverseMerges.Clear();

        // Split into characters; user-defined symbols (longest match) are single frozen symbols.
        var count = 0;
        for (var pos = 0; pos < normalized.Length; count++)
        {
            var rest = normalized.Slice(pos);
            var length = _userSymbols?.LongestPrefix(rest, out _) ?? 0;
            s.Frozen[count] = length > 0;
            if (length == 0) length = Math.Min(Utf8Util.OneCharLength(rest[0]), rest.Length);
            s.Start[count] = pos;
            s.Length[count] = length;
            s.Prev[count] = count - 1;
            s.Next[count] = pos + length < normalized.Length ? count + 1 : -1;
            s.Node[count] = _trie.Walk(ByteTrie.Root, rest.Slice(0, length));
            pos += length;
        }

        for (var i = 1; i < count; i++) MaybeAddPair(normalized, s, i - 1, i);

        while (s.Agenda.Count > 0)
        {
            var top = s.Agenda.Pop();
            var leftLength = s.Length[top.Left];
            var rightLength = s.Length[top.Right];
            if (leftLength == 0 || rightLength == 0 || leftLength + rightLength != top.Size) continue; // stale
            s.Length[top.Left] = leftLength + rightLength;
            s.Node[top.Left] = top.Node;
            var after = s.Next[top.Right];
            s.Next[top.Left] = after;
            if (after >= 0) s.Prev[after] = top.Left;
            s.Length[top.Right] = 0;
            MaybeAddPair(normalized, s, s.Prev[top.Left], top.Left);
            MaybeAddPair(normalized, s, top.Left, after);
        }

        for (var index = 0; index != -1; index = s.Next[index])
        {
            var node = s.Node[index];
            var normalId = node == ByteTrie.None ? ByteTrie.None : _trie.ValueAt(node);
            Emit(normalized, scratch, s.Start[index], s.Length[index], normalId);
        }
    }

    private void MaybeAddPair(ReadOnlySpan<byte> normalized, BpeScratch s, int left, int right)
    {
        if (left == -1 || right == -1 || s.Frozen[left] || s.Frozen[right]) return;
        var node = s.Node[left];
        if (node == ByteTrie.None) return;
        node = _trie.Walk(node, normalized.Slice(s.Start[right], s.Length[right]));
        if (node == ByteTrie.None) return;
        var id = _trie.ValueAt(node);
        if (id == ByteTrie.None) return;
        s.Agenda.Push(new BpeMerge { Score = _scores[id], Left = left, Right = right, Size = s.Length[left] + s.Length[right], Node = node });
        if (_vocabulary.Types[id] == PieceType.Unused)
            s.ReverseMerges[id] = s.Length[left];
    }

    /// <summary>Appends a final symbol; UNUSED pieces are resegmented into the parts they were merged from.</summary>
    private void Emit(ReadOnlySpan<byte> normalized, EncoderScratch scratch, int start, int length, int normalId)
    {
        var text = normalized.Slice(start, length);
        var id = _vocabulary.ResolveId(normalId, text);
        if (_vocabulary.Types[id] == PieceType.Unused && scratch.Bpe.ReverseMerges.TryGetValue(id, out var leftLength))
        {
            var rightStart = start + leftLength;
            Emit(normalized, scratch, start, leftLength, _trie.Find(normalized.Slice(start, leftLength)));
            Emit(normalized, scratch, rightStart, length - leftLength, _trie.Find(normalized.Slice(rightStart, length - leftLength)));
            return;
        }
        scratch.AddPiece(start, length, id);
    }
}
