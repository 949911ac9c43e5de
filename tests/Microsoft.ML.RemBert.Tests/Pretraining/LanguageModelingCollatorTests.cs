using Microsoft.ML.RemBert.Pretraining;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Microsoft.ML.RemBert.Tests.Pretraining;

/// <summary>The masking follows transformers' DataCollatorForLanguageModeling: 15 % chosen, 80/10/10, specials never chosen.</summary>
public class LanguageModelingCollatorTests
{
    private const int Pad = 0, Mask = 1, Unk = 2, Cls = 3, Sep = 4, Vocabulary = 1000;
    private static readonly HashSet<int> Specials = [Pad, Mask, Unk, Cls, Sep];

    // 256 blocks of 120 ids (ordinary ids 10..999), each framed by [CLS] … [SEP], a quarter of them shorter (padded).
    private static List<int[]> Blocks()
    {
        var random = new Random(3);
        return Enumerable.Range(0, 256).Select(row =>
        {
            int length = row % 4 == 0 ? 80 : 120;
            var block = new int[length];
            block[0] = Cls;
            block[^1] = Sep;
            for (int i = 1; i < length - 1; i++) block[i] = random.Next(10, Vocabulary);
            return block;
        }).ToList();
    }

    private static LanguageModelingCollator Collator(PretrainingObjective objective) =>
        new(objective, Pad, Mask, Vocabulary, Specials, maskProbability: 0.15);

    [Fact]
    public void MaskedLanguageModelingChoosesFifteenPercentAndSplitsThemEightyTenTen()
    {
        using var scope = NewDisposeScope();
        var blocks = Blocks();
        using var generator = new Generator(5);
        var batch = Collator(PretrainingObjective.MaskedLanguageModeling).Collate(blocks, generator);
        var original = OriginalIds(blocks, batch.InputIds.shape[1]);
        var labels = batch.Labels.data<long>().ToArray();
        var inputs = batch.InputIds.data<long>().ToArray();

        int ordinary = 0, chosen = 0, masked = 0, kept = 0, other = 0;
        for (int i = 0; i < labels.Length; i++)
        {
            bool special = Specials.Contains((int)original[i]);
            if (!special) ordinary++;
            if (labels[i] == LanguageModelingCollator.IgnoreIndex)
            {
                Assert.Equal(original[i], inputs[i]); // an unchosen token is never changed
                continue;
            }
            Assert.False(special, $"special id {original[i]} at {i} was chosen");
            Assert.Equal(original[i], labels[i]); // the label is the original token
            chosen++;
            if (inputs[i] == Mask) masked++;
            else if (inputs[i] == original[i]) kept++;
            else other++;
        }
        Assert.InRange((double)chosen / ordinary, 0.14, 0.16);
        Assert.InRange((double)masked / chosen, 0.77, 0.83);
        // A random replacement equals the original 1 time in 1000: "kept" is 10 % plus that sliver.
        Assert.InRange((double)kept / chosen, 0.08, 0.12);
        Assert.InRange((double)other / chosen, 0.08, 0.12);
    }

    [Fact]
    public void PaddingHasNoAttentionAndNoLabel()
    {
        using var scope = NewDisposeScope();
        var blocks = Blocks();
        using var generator = new Generator(5);
        foreach (var objective in Enum.GetValues<PretrainingObjective>())
        {
            var batch = Collator(objective).Collate(blocks, generator);
            Assert.Equal(new long[] { 256, 120 }, batch.InputIds.shape);
            Assert.Equal(80L, batch.AttentionMask[0].sum().item<long>());
            Assert.Equal(Pad, batch.InputIds[0, 100].item<long>());
            Assert.Equal(LanguageModelingCollator.IgnoreIndex, batch.Labels[0, 100].item<long>());
            Assert.Equal(64 * 80 + 192 * 120, batch.RealTokens);
        }
    }

    [Fact]
    public void CausalLabelsAreTheInputsWithPaddingIgnored()
    {
        using var scope = NewDisposeScope();
        var blocks = Blocks();
        using var generator = new Generator(5);
        var batch = Collator(PretrainingObjective.CausalLanguageModeling).Collate(blocks, generator);
        var expected = batch.InputIds.masked_fill(batch.AttentionMask.eq(0), LanguageModelingCollator.IgnoreIndex);
        Assert.True(expected.eq(batch.Labels).all().item<bool>());
        Assert.Equal(OriginalIds(blocks, 120), batch.InputIds.data<long>().ToArray());
    }

    [Fact]
    public void TheSameSeedMasksTheSameWay()
    {
        using var scope = NewDisposeScope();
        var blocks = Blocks();
        var collator = Collator(PretrainingObjective.MaskedLanguageModeling);
        using var first = new Generator(9);
        using var second = new Generator(9);
        using var other = new Generator(10);
        var a = collator.Collate(blocks, first);
        var b = collator.Collate(blocks, second);
        var c = collator.Collate(blocks, other);
        Assert.True(a.InputIds.eq(b.InputIds).all().item<bool>());
        Assert.True(a.Labels.eq(b.Labels).all().item<bool>());
        Assert.False(a.Labels.eq(c.Labels).all().item<bool>());
    }

    private static long[] OriginalIds(List<int[]> blocks, long length)
    {
        var ids = new long[blocks.Count * length];
        for (int row = 0; row < blocks.Count; row++)
            for (int column = 0; column < length; column++)
                ids[row * length + column] = column < blocks[row].Length ? blocks[row][column] : Pad;
        return ids;
    }
}
