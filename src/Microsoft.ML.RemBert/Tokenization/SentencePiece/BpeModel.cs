namespace Microsoft.ML.RemBert.Tokenization.SentencePiece;

/// <summary>
/// sentencepiece's BPE (bpe::Model::SampleEncode without dropout): start from characters (user-defined symbols as
/// frozen units), repeatedly merge the adjacent pair whose concatenation is the best-scored piece (ties: leftmost),
/// then split UNUSED results back into their parts. Pairs are found by continuing the left symbol's trie walk.
/// </summary>
/// <remarks>
/// When no piece has '▁' anywhere but at its start (at its end with treat_whitespace_as_suffix) and none is UNUSED,
/// no merge can cross a '▁' boundary, so each word merges independently and the result equals the reference's
/// whole-sentence run. Short words then use a linear scan for the best pair instead of the priority queue.
/// </remarks>
internal sealed class BpeModel : SegmentationModel
{
    /// <summary>Words with more symbols than this use the priority queue (the linear scan is quadratic).</summary>
    private const int LinearScanMaxSymbols = 48;

    private readonly SentencePieceVocabulary _vocabulary;
    private readonly ByteTrie _trie;
    private readonly ByteTrie? _userSymbols;
    private readonly float[] _scores;
    private readonly bool _wordsAreIndependent;
    private readonly bool _whitespaceIsSuffix;

    /// <param name="vocabulary">The model's pieces.</param>
    /// <param name="treatWhitespaceAsSuffix">trainer_spec.treat_whitespace_as_suffix: '▁' ends words instead of starting them.</param>
    /// <param name="allowWordSplitting">False forces the reference's whole-sentence algorithm (tests compare both).</param>
    public BpeModel(SentencePieceVocabulary vocabulary, bool treatWhitespaceAsSuffix, bool allowWordSplitting = true)
    {
        _vocabulary = vocabulary;
        _trie = vocabulary.NormalTrie;
        _userSymbols = vocabulary.UserSymbols.KeyCount > 0 ? vocabulary.UserSymbols : null;
        _scores = vocabulary.Scores;
        _whitespaceIsSuffix = treatWhitespaceAsSuffix;
        _wordsAreIndependent = allowWordSplitting && !vocabulary.HasUnusedPieces && Enumerable.Range(0, vocabulary.Count).All(id =>
            vocabulary.Types[id] is not (PieceType.Normal or PieceType.UserDefined) || !HasInnerSpaceSymbol(vocabulary.Utf8[id], treatWhitespaceAsSuffix));
    }

    /// <summary>Whether words are merged one by one (see remarks) rather than the whole sentence at once.</summary>
    internal bool SplitsWords => _wordsAreIndependent;

    public override void Segment(ReadOnlySpan<byte> normalized, EncoderScratch scratch)
    {
        scratch.PieceCount = 0;
        if (normalized.IsEmpty) return;
        var s = scratch.Bpe;
        s.EnsureSymbols(normalized.Length);
        if (!_wordsAreIndependent)
        {
            var count = SplitIntoSymbols(normalized, 0, normalized.Length, s);
            MergeWithAgenda(normalized, s, count);
            EmitSymbols(normalized, scratch);
            return;
        }
        for (var wordStart = 0; wordStart < normalized.Length;)
        {
            var wordEnd = NextWordBoundary(normalized, wordStart);
            var count = SplitIntoSymbols(normalized, wordStart, wordEnd, s);
            if (count <= LinearScanMaxSymbols) MergeByLinearScan(normalized, s, count);
            else MergeWithAgenda(normalized, s, count);
            EmitSymbols(normalized, scratch);
            wordStart = wordEnd;
        }
    }

    /// <summary>End of the word starting at <paramref name="start"/>: before the next '▁' (or after it, for suffix models).</summary>
    private int NextWordBoundary(ReadOnlySpan<byte> normalized, int start)
    {
        var space = Utf8Util.SpaceSymbol;
        var searchFrom = _whitespaceIsSuffix ? start : start + 1;
        var at = searchFrom >= normalized.Length ? -1 : normalized.Slice(searchFrom).IndexOf(space);
        if (at < 0) return normalized.Length;
        return _whitespaceIsSuffix ? searchFrom + at + space.Length : searchFrom + at;
    }

    /// <summary>Characters of [from, to) as symbols 0..count-1 (user-defined symbols, longest match, stay whole and frozen).</summary>
    private int SplitIntoSymbols(ReadOnlySpan<byte> normalized, int from, int to, BpeScratch s)
    {
        var count = 0;
        for (var pos = from; pos < to; count++)
        {
            var rest = normalized[pos..to];
            var length = _userSymbols?.LongestPrefix(rest, out _) ?? 0;
            s.Frozen[count] = length > 0;
            if (length == 0) length = Math.Min(Utf8Util.OneCharLength(rest[0]), rest.Length);
            s.Start[count] = pos;
            s.Length[count] = length;
            s.Prev[count] = count - 1;
            s.Next[count] = pos + length < to ? count + 1 : -1;
            s.Node[count] = _trie.Walk(ByteTrie.Root, rest.Slice(0, length));
            pos += length;
        }
        return count;
    }

    /// <summary>The reference's agenda: a priority queue of candidate pairs, stale entries skipped by size.</summary>
    private void MergeWithAgenda(ReadOnlySpan<byte> normalized, BpeScratch s, int count)
    {
        s.Agenda.Clear();
        s.ReverseMerges.Clear();
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
    }

    /// <summary>
    /// Same merges for a short word: the agenda's valid entries are exactly the current adjacent pairs that form a
    /// piece, so taking the best of those (strictly greater score wins, hence leftmost on ties) is equivalent.
    /// </summary>
    private void MergeByLinearScan(ReadOnlySpan<byte> normalized, BpeScratch s, int count)
    {
        for (var i = 0; i + 1 < count; i++) s.PairNode[i] = PairNode(normalized, s, i, i + 1);
        while (true)
        {
            var best = -1;
            var bestScore = 0f;
            for (var i = 0; i + 1 < count; i++)
            {
                var node = s.PairNode[i];
                if (node == ByteTrie.None) continue;
                var score = _scores[_trie.ValueAt(node)];
                if (best < 0 || score > bestScore)
                {
                    best = i;
                    bestScore = score;
                }
            }
            if (best < 0) break;
            s.Length[best] += s.Length[best + 1];
            s.Node[best] = s.PairNode[best];
            s.Frozen[best] = false;
            count--;
            for (var i = best + 1; i < count; i++)
            {
                s.Start[i] = s.Start[i + 1];
                s.Length[i] = s.Length[i + 1];
                s.Node[i] = s.Node[i + 1];
                s.Frozen[i] = s.Frozen[i + 1];
                s.PairNode[i] = s.PairNode[i + 1];
            }
            if (best > 0) s.PairNode[best - 1] = PairNode(normalized, s, best - 1, best);
            if (best + 1 < count) s.PairNode[best] = PairNode(normalized, s, best, best + 1);
        }
        for (var i = 0; i < count; i++) s.Next[i] = i + 1 < count ? i + 1 : -1;
    }

    /// <summary>Trie node of the piece spelled by symbols <paramref name="left"/> + <paramref name="right"/>, or None.</summary>
    private int PairNode(ReadOnlySpan<byte> normalized, BpeScratch s, int left, int right)
    {
        if (s.Frozen[left] || s.Frozen[right] || s.Node[left] == ByteTrie.None) return ByteTrie.None;
        var node = _trie.Walk(s.Node[left], normalized.Slice(s.Start[right], s.Length[right]));
        return node != ByteTrie.None && _trie.ValueAt(node) != ByteTrie.None ? node : ByteTrie.None;
    }

    private void MaybeAddPair(ReadOnlySpan<byte> normalized, BpeScratch s, int left, int right)
    {
        if (left == -1 || right == -1) return;
        var node = PairNode(normalized, s, left, right);
        if (node == ByteTrie.None) return;
        var id = _trie.ValueAt(node);
        s.Agenda.Push(new BpeMerge { Score = _scores[id], Left = left, Right = right, Size = s.Length[left] + s.Length[right], Node = node });
        if (_vocabulary.Types[id] == PieceType.Unused) s.ReverseMerges[id] = s.Length[left];
    }

    /// <summary>Appends the surviving symbols (following the links from symbol 0) as pieces.</summary>
    private void EmitSymbols(ReadOnlySpan<byte> normalized, EncoderScratch scratch)
    {
        var s = scratch.Bpe;
        for (var index = 0; index != -1; index = s.Next[index])
        {
            var node = s.Node[index];
            Emit(normalized, scratch, s.Start[index], s.Length[index], node == ByteTrie.None ? ByteTrie.None : _trie.ValueAt(node));
        }
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

    /// <summary>True when '▁' occurs in <paramref name="piece"/> other than as its first (suffix models: last) symbol.</summary>
    private static bool HasInnerSpaceSymbol(byte[] piece, bool suffix)
    {
        var space = Utf8Util.SpaceSymbol;
        for (var at = piece.AsSpan().IndexOf(space); at >= 0;)
        {
            var allowed = suffix ? at == piece.Length - space.Length : at == 0;
            if (!allowed) return true;
            var next = piece.AsSpan(at + 1).IndexOf(space);
            at = next < 0 ? -1 : at + 1 + next;
        }
        return false;
    }
}
