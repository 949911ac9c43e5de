using Microsoft.ML.RemBert.MLNet.Trainers;
using Microsoft.ML.RemBert.Tokenization;
using Microsoft.ML.RemBert.Trainers;
using Xunit;

namespace Microsoft.ML.RemBert.Tests.MLNet.Trainers.FineTuning;

/// <summary>LongTextStrategy.Windows' encoding: transformers' overflowing windows with a stride, capped per row.</summary>
public sealed class SequenceWindowingTests
{
    private static readonly RemBertTokenizer Tokenizer = RemBertTokenizer.FromPretrained(KeywordData.TinyTokenizerPath);

    private static readonly string LongText = string.Join(' ', Enumerable.Range(0, 60).Select(i => $"word{i % 7} please now"));

    private static EncodedSequence Truncated(string text, string? pair, int maxLength)
    {
        var encoding = Tokenizer.Encode(text, pair, new RemBertEncodeOptions { MaxLength = maxLength, Truncation = TruncationStrategy.LongestFirst });
        return new EncodedSequence(encoding.InputIds, encoding.TokenTypeIds);
    }

    [Theory]
    [InlineData("please now", null)]
    [InlineData("please now", "the weather today")]
    [InlineData("", null)]
    public void ATextThatFitsIsTheOneTruncatedEncoding(string text, string? pair)
    {
        var windows = new SequenceWindowing(Stride: 4, MaxWindows: 3).Encode(Tokenizer, text, pair, 64);
        var expected = Truncated(text, pair, 64);
        var window = Assert.Single(windows);
        Assert.Equal(expected.InputIds, window.InputIds);
        Assert.Equal(expected.TokenTypeIds, window.TokenTypeIds);
    }

    [Fact]
    public void ALongTextBecomesOverlappingWindowsCoveringItUpToTheCap()
    {
        const int maxLength = 24, stride = 5;
        var pieces = Tokenizer.Encode(LongText, null, new RemBertEncodeOptions { AddSpecialTokens = false }).InputIds;
        var windows = new SequenceWindowing(stride, MaxWindows: 100).Encode(Tokenizer, LongText, null, maxLength);

        Assert.Equal(Truncated(LongText, null, maxLength).InputIds, windows[0].InputIds);
        Assert.All(windows, window => Assert.True(window.InputIds.Length <= maxLength));
        Assert.All(windows, window => Assert.Equal(Tokenizer.ClsTokenId, window.InputIds[0]));
        Assert.All(windows, window => Assert.Equal(Tokenizer.SepTokenId, window.InputIds[^1]));
        Assert.All(windows, window => Assert.All(window.TokenTypeIds, type => Assert.Equal(0, type)));
        var bodies = windows.Select(window => window.InputIds[1..^1]).ToArray();
        for (int i = 1; i < bodies.Length; i++)
            Assert.Equal(bodies[i - 1][^stride..], bodies[i][..stride]);
        // The windows without their overlaps are the text's pieces, in order, to its end.
        Assert.Equal(pieces, bodies[0].Concat(bodies.Skip(1).SelectMany(body => body[stride..])));

        var capped = new SequenceWindowing(stride, MaxWindows: 3).Encode(Tokenizer, LongText, null, maxLength);
        Assert.Equal(3, capped.Length);
        Assert.Equal(windows.Take(3).Select(window => window.InputIds), capped.Select(window => window.InputIds));
    }

    [Fact]
    public void APairWindowsTheSecondTextAndRepeatsTheFirst()
    {
        const int maxLength = 24;
        var question = "now";
        var first = Tokenizer.Encode(question, null, new RemBertEncodeOptions { AddSpecialTokens = false }).InputIds;
        var windows = new SequenceWindowing(Stride: 3, MaxWindows: 20).Encode(Tokenizer, question, LongText, maxLength);

        Assert.True(windows.Length > 2);
        Assert.True(first.Length <= (maxLength - 3) / 2, "the question must fit in half of the input for this test");
        Assert.Equal(Tokenizer.Encode(question, LongText, new RemBertEncodeOptions { MaxLength = maxLength, Truncation = TruncationStrategy.OnlySecond }).InputIds,
            windows[0].InputIds);
        foreach (var window in windows)
        {
            Assert.True(window.InputIds.Length <= maxLength);
            Assert.Equal(first, window.InputIds[1..(first.Length + 1)]);
            Assert.Equal(Enumerable.Repeat(0, first.Length + 2).Concat(Enumerable.Repeat(1, window.InputIds.Length - first.Length - 2)), window.TokenTypeIds);
        }

        // A first text longer than half the input is cut to half, so the second keeps room in every window.
        var longFirst = new SequenceWindowing(Stride: 3, MaxWindows: 20).Encode(Tokenizer, LongText, LongText, maxLength);
        Assert.All(longFirst, window => Assert.Equal((maxLength - 3) / 2 + 2, Array.IndexOf(window.InputIds, Tokenizer.SepTokenId) + 1));
    }

    [Fact]
    public void StrideAndMaxWindowsAreCheckedNamingTheOption()
    {
        var options = new RemBertBinaryClassificationOptions { Model = "x", MaxSequenceLength = 24, LongTextStrategy = LongTextStrategy.Windows, Stride = 22 };
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => options.Validate());
        Assert.Equal("Stride", error.ParamName);
        Assert.Contains("less than MaxSequenceLength - 2 = 22", error.Message);

        options.Stride = 11;
        options.Sentence2ColumnName = "Sentence2";
        error = Assert.Throws<ArgumentOutOfRangeException>(() => options.Validate());
        Assert.Contains("with a text pair it must be at least 0 and less than 11", error.Message);

        options.Stride = null;
        options.MaxWindows = 0;
        error = Assert.Throws<ArgumentOutOfRangeException>(() => options.Validate());
        Assert.Equal("MaxWindows", error.ParamName);

        options.MaxWindows = 2;
        options.Validate();
        Assert.Equal(6, options.EffectiveStride);
        // Truncate ignores the window settings.
        options.LongTextStrategy = LongTextStrategy.Truncate;
        options.Stride = 1000;
        options.Validate();
    }
}
