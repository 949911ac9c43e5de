using Microsoft.ML.RemBert.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.RemBert.Pretraining;

/// <summary>
/// Turns blocks of token ids into a batch, as transformers' <c>DataCollatorForLanguageModeling</c> does: right-padded
/// with <c>[PAD]</c> to the longest block; for masked LM, each non-special token is chosen with probability
/// <c>maskProbability</c>, a chosen token becomes <c>[MASK]</c> with probability 0.8, else a random vocabulary id with
/// probability 0.5, else stays; labels hold the original id at chosen positions and -100 elsewhere. For causal LM, labels
/// are the input ids with padding at -100 (the model shifts them). Every random draw comes from the generator passed in.
/// </summary>
internal sealed class LanguageModelingCollator(PretrainingObjective objective, int padId, int maskId, int vocabularySize,
    IReadOnlySet<int> specialIds, double maskProbability)
{
    /// <summary>The label of positions not scored (transformers' ignore index).</summary>
    public const long IgnoreIndex = -100;

    /// <summary><see cref="IgnoreIndex"/> as a Scalar held for the process (Runtime/HeldScalars).</summary>
    public static readonly Scalar HeldIgnoreIndex = IgnoreIndex;

    private static readonly Scalar ReplaceWithMaskProbability = 0.8;
    private static readonly Scalar ReplaceWithRandomWordProbability = 0.5;

    /// <summary>Collates <paramref name="blocks"/>; the tensors belong to the caller's dispose scope.</summary>
    public LanguageModelingBatch Collate(IReadOnlyList<int[]> blocks, Generator generator)
    {
        int length = blocks.Max(b => b.Length);
        var ids = new long[blocks.Count * length];
        var mask = new long[ids.Length];
        var special = new bool[ids.Length];
        for (int row = 0; row < blocks.Count; row++)
        {
            for (int column = 0; column < length; column++)
            {
                int index = row * length + column;
                bool real = column < blocks[row].Length;
                ids[index] = real ? blocks[row][column] : padId;
                mask[index] = real ? 1 : 0;
                special[index] = !real || specialIds.Contains((int)ids[index]);
            }
        }
        var inputIds = tensor(ids, new long[] { blocks.Count, length });
        var attentionMask = tensor(mask, new long[] { blocks.Count, length });
        if (objective == PretrainingObjective.CausalLanguageModeling)
            return new LanguageModelingBatch(inputIds, attentionMask, inputIds.masked_fill(attentionMask.eq(HeldScalars.Zero), HeldIgnoreIndex));
        return Mask(inputIds, attentionMask, tensor(special, new long[] { blocks.Count, length }), generator);
    }

    private LanguageModelingBatch Mask(Tensor inputIds, Tensor attentionMask, Tensor special, Generator generator)
    {
        using var chooseProbability = maskProbability.ToScalar();
        using var maskToken = maskId.ToScalar();
        var probability = full(inputIds.shape, chooseProbability, dtype: ScalarType.Float32).masked_fill(special, HeldScalars.ZeroDouble);
        var chosen = bernoulli(probability, generator).to_type(ScalarType.Bool);
        var labels = inputIds.masked_fill(chosen.logical_not(), HeldIgnoreIndex);
        var replaced = bernoulli(full(inputIds.shape, ReplaceWithMaskProbability, dtype: ScalarType.Float32), generator).to_type(ScalarType.Bool).logical_and(chosen);
        var masked = inputIds.masked_fill(replaced, maskToken);
        var randomized = bernoulli(full(inputIds.shape, ReplaceWithRandomWordProbability, dtype: ScalarType.Float32), generator).to_type(ScalarType.Bool)
            .logical_and(chosen).logical_and(replaced.logical_not());
        var randomWords = randint(vocabularySize, inputIds.shape, generator: generator, dtype: ScalarType.Int64);
        return new LanguageModelingBatch(where(randomized, randomWords, masked), attentionMask, labels);
    }
}
