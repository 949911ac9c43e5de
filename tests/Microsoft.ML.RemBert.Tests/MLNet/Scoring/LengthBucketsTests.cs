using Microsoft.ML.RemBert.MLNet.Scoring;
using Xunit;

namespace Microsoft.ML.RemBert.Tests.MLNet.Scoring;

/// <summary>How a batch of rows of different lengths is cut into forward passes (MLNet/Scoring/LengthBuckets).</summary>
public sealed class LengthBucketsTests
{
    [Fact]
    public void RowsOfEqualOrCloseLengthsStayInOnePass()
    {
        Assert.Equal([[0, 1, 2, 3]], LengthBuckets.Split([20, 20, 20, 20]));
        Assert.Single(LengthBuckets.Split([20, 21, 21, 20, 21, 20, 21, 21]));
        Assert.Equal([[0]], LengthBuckets.Split([7]));
    }

    [Fact]
    public void ALongRowAmongShortOnesGetsAPassOfItsOwnAndEveryRowIsScoredOnce()
    {
        // One pass: 4 x 100 + 8 = 408 padded tokens; two: 3 x 10 + 8 + 100 + 8 = 146.
        Assert.Equal([[0, 2, 3], [1]], LengthBuckets.Split([10, 100, 10, 10]));

        var lengths = new[] { 12, 48, 9, 30, 31, 11, 47, 10, 29, 46, 13, 8, 45, 32, 14, 28 };
        var passes = LengthBuckets.Split(lengths);
        Assert.Equal(Enumerable.Range(0, lengths.Length), passes.SelectMany(pass => pass).Order());
        Assert.InRange(passes.Count, 2, 8);
        long Cost(IEnumerable<int[]> split) => split.Sum(pass => pass.Length * pass.Max(i => lengths[i]) + LengthBuckets.ForwardCostInTokens);
        Assert.True(Cost(passes) < Cost([Enumerable.Range(0, lengths.Length).ToArray()]));
        // Each pass holds rows of neighbouring lengths.
        for (int p = 1; p < passes.Count; p++)
            Assert.True(passes[p - 1].Max(i => lengths[i]) <= passes[p].Min(i => lengths[i]));
    }
}
