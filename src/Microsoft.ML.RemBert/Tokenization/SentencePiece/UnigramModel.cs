using System.Runtime.CompilerServices;

namespace Microsoft.ML.RemBert.Tokenization.SentencePiece;

/// <summary>
/// Unigram Viterbi segmentation identical to sentencepiece's optimized encoder (unigram::Model::EncodeOptimized):
/// for every character start, every vocabulary piece starting there relaxes the best path ending at its end; a
/// character with no single-character piece gets the unknown piece scored min_score - 10. Arithmetic and tie-breaking
/// follow the reference exactly: candidate scores are doubles compared against float-stored path scores, a later
/// candidate replaces an earlier one only when strictly better, user-defined symbols score length * max_score - 0.1.
/// </summary>
internal sealed class UnigramModel : SegmentationModel
{
    /// <summary>sentencepiece's kUnkPenalty.</summary>
    private const float UnknownPenalty = 10.0f;
    /// <summary>Subtracted from a user-defined symbol's length bonus (sentencepiece: length * max_score_ - 0.1).</summary>
    private const double UserDefinedOffset = 0.1;

    private readonly ByteTrie _trie;
    private readonly float[] _scores;
    /// <summary>Per piece id: Normal (use the score), UserDefined (length bonus) or Unused (skip).</summary>
    private readonly PieceType[] _types;
    private readonly float _maxScore;
    private readonly float _unknownScore;
    private readonly int _unknownId;

    public UnigramModel(SentencePieceVocabulary vocabulary)
    {
        _trie = vocabulary.NormalTrie;
        _scores = vocabulary.Scores;
        _types = vocabulary.Types;
        _maxScore = vocabulary.MaxNormalScore;
        _unknownScore = vocabulary.MinNormalScore - UnknownPenalty;
        _unknownId = vocabulary.UnknownId;
    }

    public override void Segment(ReadOnlySpan<byte> normalized, EncoderScratch scratch)
    {
        scratch.PieceCount = 0;
        var size = normalized.Length;
        if (size == 0) return;
        EncoderScratch.EnsureSize(ref scratch.Lattice, size + 1);
        var lattice = scratch.Lattice.AsSpan(0, size + 1);
        for (var i = 1; i < lattice.Length; i++) lattice[i].Start = -1;
        lattice[0] = new UnigramLatticeNode { Score = 0, Start = -1, Id = -1 };

        var trie = _trie;
        var scores = _scores;
        var types = _types;
        for (var start = 0; start < size;)
        {
            var charLength = Math.Min(Utf8Util.OneCharLength(normalized[start]), size - start);
            var scoreHere = lattice[start].Score;
            var hasSingleCharPiece = false;
            var node = ByteTrie.Root;
            for (var end = start + 1; end <= size; end++)
            {
                node = trie.Next(node, normalized[end - 1]);
                if (node == ByteTrie.None) break;
                var id = trie.ValueAt(node);
                if (id == ByteTrie.None) continue;
                var type = types[id];
                if (type == PieceType.Unused) continue;
                var length = end - start;
                // The reference's conditional expression mixes double and float, so the score is a double.
                var score = type == PieceType.UserDefined ? (double)((float)length * _maxScore) - UserDefinedOffset : scores[id];
                Relax(ref lattice[end], score + scoreHere, start, id);
                if (length == charLength) hasSingleCharPiece = true;
            }
            if (!hasSingleCharPiece)
            {
                ref var target = ref lattice[start + charLength];
                var candidate = _unknownScore + scoreHere; // float + float in the reference
                if (target.Start == -1 || candidate > target.Score)
                {
                    target.Score = candidate;
                    target.Start = start;
                    target.Id = _unknownId;
                }
            }
            start += charLength;
        }

        // Backtrack, then reverse into the piece list.
        var first = scratch.PieceCount;
        for (var end = size; end > 0;)
        {
            ref var n = ref lattice[end];
            scratch.AddPiece(n.Start, end - n.Start, n.Id);
            end = n.Start;
        }
        scratch.PieceStart.AsSpan(first, scratch.PieceCount - first).Reverse();
        scratch.PieceLength.AsSpan(first, scratch.PieceCount - first).Reverse();
        scratch.PieceId.AsSpan(first, scratch.PieceCount - first).Reverse();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Relax(ref UnigramLatticeNode target, double candidate, int start, int id)
    {
        if (target.Start == -1 || candidate > target.Score)
        {
            target.Score = (float)candidate;
            target.Start = start;
            target.Id = id;
        }
    }
}
