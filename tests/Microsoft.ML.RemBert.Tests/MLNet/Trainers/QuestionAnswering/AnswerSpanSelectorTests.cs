using Microsoft.ML.RemBert.MLNet.Trainers.QuestionAnswering;
using Xunit;

namespace Microsoft.ML.RemBert.Tests.MLNet.Trainers.QuestionAnswering;

/// <summary>run_qa's SQuAD 2.0 answer selection on hand-made windows and logits.</summary>
public sealed class AnswerSpanSelectorTests
{
    // "[CLS] where [SEP] Paris is big [SEP]": the question token's offsets point into the question, not the context.
    private const string Context = "Paris is big";
    private static readonly ContextWindow Window = new([1, 50, 2, 60, 61, 62, 2], [0, 0, 0, 1, 1, 1, 1],
        [(0, 0), (0, 5), (0, 0), (0, 5), (6, 8), (9, 12), (0, 0)], ContextStart: 3, ContextEnd: 6);

    private static readonly QuestionWindows Question = new(Context, [Window]);

    private static float[] Logits(params (int Index, float Value)[] values)
    {
        var logits = new float[Window.InputIds.Length];
        foreach (var (index, value) in values) logits[index] = value;
        return logits;
    }

    [Fact]
    public void TheBestSpanInsideTheContextWinsAndMapsToItsCharacters()
    {
        var answers = new AnswerSpanSelector(topK: 3, maxAnswerLength: 30).Select(Question, [Logits((3, 5), (5, 1))], [Logits((5, 5), (3, 1))]);
        Assert.Equal(["Paris is big", "Paris", "big"], answers.Texts);
        Assert.Equal([0, 0, 9], answers.Starts);
        Assert.True(answers.Scores[0] > answers.Scores[1] && answers.Scores[1] >= answers.Scores[2]);
        Assert.InRange(answers.Scores.Sum(), 0f, 1.0001f);
    }

    [Fact]
    public void QuestionTokensReversedSpansAndTooLongSpansAreNeverAnswers()
    {
        // The largest logits: start and end on the question token (1), a reversed span (start 5, end 3), and the
        // three-token span 3..5 with MaxAnswerLength 2.
        var answers = new AnswerSpanSelector(topK: 5, maxAnswerLength: 2).Select(Question,
            [Logits((1, 9), (5, 6), (3, 7), (4, 1))], [Logits((1, 9), (3, 8), (5, 7), (4, 1))]);
        Assert.DoesNotContain("Paris is big", answers.Texts);
        Assert.DoesNotContain("where", answers.Texts);
        Assert.Equal("Paris", answers.Best); // 7 + 8 ("big": 6 + 7)
        Assert.All(answers.Starts.Zip(answers.Texts), pair => Assert.True(pair.First == -1 || Context.Substring(pair.First, pair.Second.Length) == pair.Second));
    }

    [Fact]
    public void NoAnswerWinsOnlyWhenItsScoreBeatsEverySpan()
    {
        var selector = new AnswerSpanSelector(topK: 2, maxAnswerLength: 30);
        var nullWins = selector.Select(Question, [Logits((0, 6), (4, 2))], [Logits((0, 6), (4, 2))]);
        Assert.Equal(["", "is"], nullWins.Texts);
        Assert.Equal([-1, 6], nullWins.Starts);

        var tie = selector.Select(Question, [Logits((0, 2), (4, 2))], [Logits((0, 2), (4, 2))]);
        Assert.Equal(["is", ""], tie.Texts);
    }

    [Fact]
    public void NoAnswerScoresTheSmallestOfAllWindowsAndASpanSeenTwiceCountsOnce()
    {
        // Two windows over the same context, both finding "big"; the second one is sure there is an answer.
        var question = new QuestionWindows(Context, [Window, Window]);
        var answers = new AnswerSpanSelector(topK: 10, maxAnswerLength: 30).Select(question,
            [Logits((0, 4), (5, 3)), Logits((0, -4), (5, 1))], [Logits((0, 4), (5, 3)), Logits((0, -4), (5, 1))]);
        Assert.Equal("big", answers.Best); // 3 + 3 beats the second window's null (-8), not the first's (8)
        Assert.Single(answers.Texts, text => text == "big");
        Assert.Equal(7, answers.Texts.Length); // the 6 spans of a 3-token context, then no answer
        Assert.Equal(("", -1), (answers.Texts[^1], answers.Starts[^1]));
    }
}
