using Microsoft.ML.RemBert.Tokenization;
using Xunit;
using static Microsoft.ML.RemBert.Tests.Tokenization.FixtureTokenizer;

namespace Microsoft.ML.RemBert.Tests.Tokenization;

/// <summary>Question answering windows: the question is kept whole, the context is cut into overlapping windows.</summary>
public class OverflowingWindowTests
{
    private const string Question = "Where is the library?";   // 7 pieces
    private const string Context = "The quick brown fox jumps over the lazy dog. The library is next to the museum and the park.";   // 38 pieces
    private const int MaxLength = 20, Stride = 3;

    [SkippableFact]
    public void ContextWindows_OverlapByStride_AndCoverTheContext()
    {
        var tokenizer = Load();
        var question = tokenizer.Encode(Question, options: new RemBertEncodeOptions { AddSpecialTokens = false });
        var context = tokenizer.Encode(Context, options: new RemBertEncodeOptions { AddSpecialTokens = false });
        Assert.Equal(7, question.InputIds.Length);
        Assert.Equal(38, context.InputIds.Length);

        var encoding = tokenizer.Encode(Question, Context, new RemBertEncodeOptions
        {
            MaxLength = MaxLength, Truncation = TruncationStrategy.OnlySecond, Stride = Stride,
            ReturnOverflowing = true, Padding = PaddingStrategy.MaxLength,
        });
        var windows = new[] { encoding }.Concat(encoding.Overflowing).ToArray();

        // 20 - 3 specials - 7 question = 10 context tokens per window, a new window every 10 - 3 = 7 tokens:
        // starts 0, 7, 14, 21, 28; the one at 28 reaches token 38, the end → 5 windows.
        Assert.Equal(5, windows.Length);
        var previousStart = -1;
        var previousEnd = 0;
        foreach (var window in windows)
        {
            Assert.Equal(MaxLength, window.InputIds.Length);
            if (window != encoding) Assert.Empty(window.Overflowing);
            Assert.Equal([Cls, .. question.InputIds, Sep], window.InputIds[..9]);
            var contextPositions = Enumerable.Range(0, window.InputIds.Length).Where(i => window.SequenceIds[i] == 1).ToArray();
            var slice = contextPositions.Select(i => window.InputIds[i]).ToArray();
            var start = FindSlice(context.InputIds, slice, previousStart + 1);
            Assert.True(start >= 0, "a window's context must be a contiguous slice of the full context");
            Assert.Equal(contextPositions.Select(i => window.Offsets[i]), context.Offsets.Skip(start).Take(slice.Length));
            Assert.Equal(Sep, window.InputIds[contextPositions[^1] + 1]);
            if (previousStart >= 0) Assert.Equal(Stride, previousEnd - start);   // overlap with the previous window
            previousStart = start;
            previousEnd = start + slice.Length;
        }
        Assert.Equal(context.InputIds.Length, previousEnd);
    }

    [SkippableFact]
    public void WithoutReturnOverflowing_OnlyTheFirstWindowIsReturned()
    {
        var encoding = Load().Encode(Question, Context, new RemBertEncodeOptions { MaxLength = MaxLength, Truncation = TruncationStrategy.OnlySecond, Stride = Stride });
        Assert.Empty(encoding.Overflowing);
        Assert.Equal(MaxLength, encoding.InputIds.Length);
    }

    [SkippableFact]
    public void SingleTextWindows_WithLongestPadding_ArePaddedToTheLongestWindow()
    {
        var encoding = Load().Encode(Context, options: new RemBertEncodeOptions { MaxLength = 12, Stride = 2, ReturnOverflowing = true, Padding = PaddingStrategy.Longest });
        // 10 tokens per window, step 8: starts 0, 8, 16, 24, 32 (32 + 10 ≥ 38) → 5 windows; the last holds 6 tokens.
        Assert.Equal(4, encoding.Overflowing.Count);
        Assert.All(encoding.Overflowing, w => Assert.Equal(12, w.InputIds.Length));
        Assert.Equal(6 + 2, encoding.Overflowing[^1].AttentionMask.Sum());
    }

    private static int FindSlice(int[] all, int[] slice, int from)
    {
        for (var start = from; start + slice.Length <= all.Length; start++)
            if (all.AsSpan(start, slice.Length).SequenceEqual(slice)) return start;
        return -1;
    }
}
