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
    /// <summary>
    /// Per piece id, the score a lattice candidate adds, as the double the reference computes: the piece score, or
    /// for user-defined symbols (float)byteLength * max_score - 0.1; NaN for UNUSED pieces, which are skipped.
    /// </summary>
    private readonly double[] _candidateScores;
    private readonly float _unknownScore;
    private readonly int _unknownId;

    public UnigramModel(SentencePieceVocabulary vocabulary)
    {
        _trie = vocabulary.NormalTrie;
        _candidateScores = new double[vocabulary.Count];
        for (var id = 0; id < vocabulary.Count; id++)
        {
            _candidateScores[id] = vocabulary.Types[id] switch
            {
                PieceType.UserDefined => (double)((float)vocabulary.Utf8[id].Length * vocabulary.MaxNormalScore) - UserDefinedOffset,
                PieceType.Unused => double.NaN,
                _ => vocabulary.Scores[id],
            };
        }
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

        var trie = _trie.CreateReader();
        var candidateScores = _candidateScores;
        for (var start = 0; start < size;)
        {
            var charLength = Math.Min(Utf8Util.OneCharLength(normalized[start]), size - start);
            var scoreHere = lattice[start].Score;
            var hasSingleCharPiece = false;
            var node = ByteTrie.Root;
            for (var end = start + 1; end <= size; end++)
            {
                if (!trie.TryNext(ref node, normalized[end - 1], out var id)) break;
                if (id == ByteTrie.None) continue;
                var score = candidateScores[id];
                if (double.IsNaN(score)) continue;
                // The reference's conditional expression mixes double and float, so candidates are doubles.
                Relax(ref lattice[end], score + scoreHere, start, id);
                if (end - start == charLength) hasSingleCharPiece = true;
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
