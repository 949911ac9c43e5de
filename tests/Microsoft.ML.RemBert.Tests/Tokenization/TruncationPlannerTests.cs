using Microsoft.ML.RemBert.Tokenization;
using Xunit;

namespace Microsoft.ML.RemBert.Tests.Tokenization;

/// <summary>transformers' truncate_sequences on token counts. Each expectation is worked out by hand from its algorithm.</summary>
public class TruncationPlannerTests
{
    private const int PairSpecials = 3, SingleSpecials = 2;

    private static (int First, int Second) Kept(TruncationPlan plan)
    {
        Assert.Single(plan.FirstWindows);
        Assert.Single(plan.SecondWindows);
        Assert.Equal(0, plan.FirstWindows[0].Start);
        Assert.Equal(0, plan.SecondWindows[0].Start);
        return (plan.FirstWindows[0].Length, plan.SecondWindows[0].Length);
    }

    [Fact]
    public void LongestFirst_RemovesFromTheLongerSequenceUntilBalanced()
    {
        // 10 + 4 + 3 specials = 17, MaxLength 11 → remove 6. One at a time from the longer: the first goes 10→5 (5
        // removals, still longer than 4), the 6th removal also hits the first (5 > 4) → (4, 4).
        var plan = TruncationPlanner.Plan(10, 4, PairSpecials, new RemBertEncodeOptions { MaxLength = 11 });
        Assert.Equal((4, 4), Kept(plan));
    }

    [Fact]
    public void LongestFirst_TiesRemoveFromTheSecondSequence()
    {
        // 6 + 6 + 3 = 15, MaxLength 12 → remove 3: tie → second 5; 6 > 5 → first 5; tie → second 4 → (5, 4).
        // transformers' closed form agrees: ids_to_move = 3 // 2 = 1, pair_ids_to_move = 3 - 1 = 2.
        var plan = TruncationPlanner.Plan(6, 6, PairSpecials, new RemBertEncodeOptions { MaxLength = 12 });
        Assert.Equal((5, 4), Kept(plan));
    }

    [Fact]
    public void LongestFirst_AfterBalancingAlternatesStartingWithTheSecond()
    {
        // 7 + 4 + 3 = 14, MaxLength 10 → remove 4: first 7→6→5→4 (3 removals), then the tie takes the second → (4, 3).
        var plan = TruncationPlanner.Plan(7, 4, PairSpecials, new RemBertEncodeOptions { MaxLength = 10 });
        Assert.Equal((4, 3), Kept(plan));
    }

    [Fact]
    public void LongestFirst_WithoutPair_TruncatesTheOnlySequence()
    {
        // 9 + 2 = 11, MaxLength 6 → remove 5 from the first → 4.
        var plan = TruncationPlanner.Plan(9, null, SingleSpecials, new RemBertEncodeOptions { MaxLength = 6 });
        Assert.Equal((4, 0), Kept(plan));
    }

    [Fact]
    public void OnlyFirst_TakesEverythingFromTheFirst()
    {
        // 10 + 4 + 3 = 17, MaxLength 11 → remove 6 from the first only → (4, 4); the second keeps all 4.
        var plan = TruncationPlanner.Plan(10, 4, PairSpecials, new RemBertEncodeOptions { MaxLength = 11, Truncation = TruncationStrategy.OnlyFirst });
        Assert.Equal((4, 4), Kept(plan));
    }

    [Fact]
    public void OnlySecond_TakesEverythingFromTheSecond()
    {
        // 4 + 10 + 3 = 17, MaxLength 11 → remove 6 from the second → (4, 4).
        var plan = TruncationPlanner.Plan(4, 10, PairSpecials, new RemBertEncodeOptions { MaxLength = 11, Truncation = TruncationStrategy.OnlySecond });
        Assert.Equal((4, 4), Kept(plan));
    }

    [Fact]
    public void OnlyFirst_ThatWouldEmptyTheFirst_NamesStrategyAndLengths()
    {
        // 5 + 10 + 3 = 18, MaxLength 10 → remove 8, but the first has only 5 (transformers requires len > to-remove).
        var e = Assert.Throws<ArgumentException>(() =>
            TruncationPlanner.Plan(5, 10, PairSpecials, new RemBertEncodeOptions { MaxLength = 10, Truncation = TruncationStrategy.OnlyFirst }));
        Assert.Contains("OnlyFirst", e.Message);
        Assert.Contains("8 tokens must be removed", e.Message);
        Assert.Contains("has only 5", e.Message);
    }

    [Fact]
    public void OnlySecond_ThatWouldEmptyTheSecond_NamesStrategyAndLengths()
    {
        // 10 + 4 + 3 = 17, MaxLength 13 → remove 4, the second has exactly 4: not enough (must keep one).
        var e = Assert.Throws<ArgumentException>(() =>
            TruncationPlanner.Plan(10, 4, PairSpecials, new RemBertEncodeOptions { MaxLength = 13, Truncation = TruncationStrategy.OnlySecond }));
        Assert.Contains("OnlySecond", e.Message);
        Assert.Contains("4 tokens must be removed", e.Message);
    }

    [Fact]
    public void OnlySecond_WithoutPair_Throws()
    {
        var e = Assert.Throws<ArgumentException>(() =>
            TruncationPlanner.Plan(10, null, SingleSpecials, new RemBertEncodeOptions { MaxLength = 5, Truncation = TruncationStrategy.OnlySecond }));
        Assert.Contains("needs a text pair", e.Message);
    }

    [Fact]
    public void DoNotTruncate_KeepsEverythingPastMaxLength()
    {
        var plan = TruncationPlanner.Plan(10, 4, PairSpecials, new RemBertEncodeOptions { MaxLength = 5, Truncation = TruncationStrategy.DoNotTruncate });
        Assert.Equal((10, 4), Kept(plan));
    }

    [Fact]
    public void NoMaxLength_KeepsEverything()
    {
        Assert.Equal((1000, 999), Kept(TruncationPlanner.Plan(1000, 999, PairSpecials, new RemBertEncodeOptions())));
    }

    [Fact]
    public void MaxLengthBelowTheSpecialTokens_Throws()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => TruncationPlanner.Plan(3, 3, PairSpecials, new RemBertEncodeOptions { MaxLength = 2 }));
        Assert.Contains("MaxLength 2", e.Message);
    }

    [Fact]
    public void Overflowing_WithLongestFirstOnAPair_IsRejectedAsInTransformers()
    {
        var e = Assert.Throws<ArgumentException>(() =>
            TruncationPlanner.Plan(10, 10, PairSpecials, new RemBertEncodeOptions { MaxLength = 12, ReturnOverflowing = true }));
        Assert.Contains("LongestFirst", e.Message);
    }

    [Fact]
    public void OverflowingWindows_StepByAllowedMinusStride_UntilTheEndIsCovered()
    {
        // Second sequence of 10, first 2: MaxLength 9 leaves 9 - 3 - 2 = 4 per window; stride 1 → step 3:
        // [0,4) [3,7) [6,10) — the third reaches the end, so it is the last.
        var plan = TruncationPlanner.Plan(2, 10, PairSpecials,
            new RemBertEncodeOptions { MaxLength = 9, Truncation = TruncationStrategy.OnlySecond, ReturnOverflowing = true, Stride = 1 });
        Assert.Equal([new TokenWindow(0, 4), new TokenWindow(3, 4), new TokenWindow(6, 4)], plan.SecondWindows);
        Assert.Equal([TokenWindow.Whole(2)], plan.FirstWindows);
    }

    [Fact]
    public void OverflowingWindows_LastWindowMayBeShorter()
    {
        // 11 tokens, 4 per window, stride 2 → step 2: [0,4) [2,6) [4,8) [6,10) [8,11).
        var plan = TruncationPlanner.Plan(11, null, SingleSpecials,
            new RemBertEncodeOptions { MaxLength = 6, ReturnOverflowing = true, Stride = 2 });
        Assert.Equal([new TokenWindow(0, 4), new TokenWindow(2, 4), new TokenWindow(4, 4), new TokenWindow(6, 4), new TokenWindow(8, 3)], plan.FirstWindows);
    }

    [Fact]
    public void OverflowingWindows_StrideNotBelowTheWindow_Throws()
    {
        var e = Assert.Throws<ArgumentException>(() => TruncationPlanner.Plan(11, null, SingleSpecials,
            new RemBertEncodeOptions { MaxLength = 6, ReturnOverflowing = true, Stride = 4 }));
        Assert.Contains("Stride 4", e.Message);
    }
}
