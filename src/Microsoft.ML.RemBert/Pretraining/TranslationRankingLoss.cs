using Microsoft.ML.RemBert.Modeling;
using Microsoft.ML.RemBert.Runtime;
using Microsoft.ML.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.RemBert.Pretraining;

/// <summary>
/// <see cref="PretrainingObjective.TranslationRanking"/>: a batch of B translation pairs (blocks of
/// <see cref="PretrainingCorpus.ReadAligned"/>) becomes 2B texts encoded alone, first texts in rows 0..B-1 and their
/// translations in rows B..2B-1, masked as for masked LM. The loss is the in-batch ranking loss of the <c>[CLS]</c>
/// states (each first text must pick its own translation among the B, and each translation its first text: the
/// other B-1 are the negatives, as in LaBSE's and SimCSE's training) plus the masked-LM loss at the masked positions.
/// Masking the ranked texts is also the augmentation that keeps the ranking from matching on copied tokens alone.
/// </summary>
internal sealed class TranslationRankingLoss(int clsTokenId)
{
    /// <summary>
    /// Cosine similarities are multiplied by this before the softmax (a temperature of 0.05, SimCSE's): at 1 the
    /// softmax over similarities in [-1, 1] would be almost flat and teach nothing.
    /// </summary>
    public const double SimilarityScale = 20;

    /// <summary>Steps per note: as <see cref="ElectraProgressNotes.Interval"/>.</summary>
    public const int NoteInterval = ElectraProgressNotes.Interval;

    private static readonly Scalar Scale = SimilarityScale;
    private double _ranking, _accuracy, _maskedLm;
    private int _count;

    /// <summary>The 2B texts of <paramref name="pairs"/>, firsts then seconds, collated (masked) by <paramref name="collator"/>.</summary>
    public LanguageModelingBatch Collate(IReadOnlyList<int[]> pairs, LanguageModelingCollator collator, Generator generator)
    {
        var split = pairs.Select(pair => PretrainingCorpus.SplitPair(pair, clsTokenId)).ToList();
        var texts = split.Select(pair => pair.First.ToArray()).Concat(split.Select(pair => pair.Second.ToArray())).ToList();
        return collator.Collate(texts, generator);
    }

    /// <summary>The batch's loss (ranking + masked LM); notes the parts' means every <see cref="NoteInterval"/> steps.</summary>
    public Tensor Loss(RemBertLanguageModel model, LanguageModelingBatch batch, Device device, int step, IChannel channel)
    {
        var ids = batch.InputIds.to(device);
        var attentionMask = batch.AttentionMask.to(device);
        var labels = batch.Labels.to(device);
        long pairs = ids.shape[0] / 2;
        var hidden = model.BaseModel.forward(ids, attentionMask).LastHiddenState;

        var sentences = nn.functional.normalize(hidden.select(1, 0).to_type(ScalarType.Float32), p: 2.0, dim: -1);
        var scores = sentences.narrow(0, 0, pairs).matmul(sentences.narrow(0, pairs, pairs).t()).mul(Scale);
        using var end = pairs.ToScalar();
        var targets = arange(HeldScalars.Zero, end, HeldScalars.One, dtype: ScalarType.Int64, device: device);
        var ranking = nn.functional.cross_entropy(scores, targets).add(nn.functional.cross_entropy(scores.t(), targets), HeldScalars.One).div(HeldScalars.Two);

        var selected = labels.ne(LanguageModelingCollator.HeldIgnoreIndex);
        var loss = ranking;
        double maskedLm = double.NaN;
        if (selected.any().item<bool>())
        {
            var logits = PrecisionOps.Float32Scores(model.LanguageModelScores(hidden[selected]));
            var maskedLmLoss = nn.functional.cross_entropy(logits, labels[selected]);
            maskedLm = maskedLmLoss.item<float>();
            loss = ranking.add(maskedLmLoss, HeldScalars.One);
        }

        double accuracy;
        using (no_grad())
            accuracy = scores.argmax(1).eq(targets).to_type(ScalarType.Float32).mean().item<float>();
        Note(ranking.item<float>(), accuracy, maskedLm, step, channel);
        return loss;
    }

    // Ranking loss alone could fall by matching copied tokens (names, numbers) while the rest stays unaligned; the
    // in-batch accuracy against chance (1/B) and the masked-LM loss beside it tell a learning run from a stuck one.
    private void Note(double ranking, double accuracy, double maskedLm, int step, IChannel channel)
    {
        _ranking += ranking;
        _accuracy += accuracy;
        if (!double.IsNaN(maskedLm)) _maskedLm += maskedLm;
        _count++;
        if (step % NoteInterval != 0) return;
        channel.Info(FormattableString.Invariant(
            $"translation ranking, steps to {step}: ranking loss {_ranking / _count:F3} (in-batch accuracy {_accuracy / _count:P1}), masked-LM loss {_maskedLm / _count:F3}"));
        _ranking = _accuracy = _maskedLm = 0;
        _count = 0;
    }
}
