using Microsoft.ML.RemBert.Evaluation;
using Xunit;

namespace Microsoft.ML.RemBert.Tests.Evaluation;

/// <summary>
/// Expected values are hand-worked and were checked against the official SQuAD v2.0 script's functions run
/// under CPython 3 (normalize_answer, compute_exact, compute_f1, the max over gold answers).
/// </summary>
public class SquadMetricsTests
{
    [Theory]
    [InlineData("The Eiffel Tower.", "eiffel tower")]
    [InlineData("  A  cat,  the dog  ", "cat dog")]
    [InlineData("1,000 a.m.", "1000 am")]
    [InlineData("x  y\u3000z\u001Fw", "x y z w")]
    [InlineData("another theory", "another theory")]
    [InlineData("the-end", "theend")]
    [InlineData("Ça va TRÈS bien!", "ça va très bien")]
    [InlineData("«La Seine»", "«la seine»")]
    [InlineData("東京タワー。", "東京タワー。")]
    [InlineData("İstanbul", "i\u0307stanbul")]
    [InlineData("\u039F\u0394\u039F\u03A3", "\u03BF\u03B4\u03BF\u03C2")]
    [InlineData("\u039F\u0394\u039F\u03A3.", "\u03BF\u03B4\u03BF\u03C2")]
    [InlineData("\u03A3\u039F\u03A3 \u03A3", "\u03C3\u03BF\u03C2 \u03C3")]
    [InlineData("the\u0301 chaud", "\u0301 chaud")]
    [InlineData("th\u00E9 chaud", "th\u00E9 chaud")]
    [InlineData("the the the", "")]
    public void NormalizesAsTheOfficialScript(string answer, string normalized)
        => Assert.Equal(normalized, SquadAnswerNormalizer.Normalize(answer));

    [Fact]
    public void ArticlesAndPunctuationDoNotCount()
        => Assert.Equal((1.0, 1.0), SquadMetrics.ScoreQuestion(["The Eiffel Tower."], "eiffel tower"));

    [Fact]
    public void PartialOverlapF1IsComputedOnTokenBags()
    {
        // gold "a cat sat on the mat" → [cat, sat, on, mat]; predicted "the cat on a red mat" → [cat, on, red, mat]:
        // 3 shared, precision 3/4, recall 3/4, F1 0.75.
        Assert.Equal((0.0, 0.75), SquadMetrics.ScoreQuestion(["a cat sat on the mat"], "the cat on a red mat"));
        // Multiplicity: gold [two, words], predicted [words, two, two]: 2 shared, P 2/3, R 1, F1 0.8.
        Assert.Equal(0.8, SquadMetrics.F1Score("two  words", "words two two"), 15);
    }

    [Fact]
    public void BestScoreOverSeveralGoldAnswers()
    {
        // "broncos" vs [denver, broncos]: P 1, R 1/2, F1 2/3 for both golds; no exact match.
        var (exact, f1) = SquadMetrics.ScoreQuestion(["Denver Broncos", "The Denver Broncos"], "the broncos");
        Assert.Equal(0, exact);
        Assert.Equal(2.0 / 3, f1, 15);
        // Exact match and F1 take their maximum separately.
        Assert.Equal((1.0, 1.0), SquadMetrics.ScoreQuestion(["Broncos of Denver", "Broncos"], "broncos"));
    }

    [Fact]
    public void NoAnswerQuestionsScoreOnlyAnEmptyPrediction()
    {
        Assert.Equal((1.0, 1.0), SquadMetrics.ScoreQuestion([], ""));
        Assert.Equal((0.0, 0.0), SquadMetrics.ScoreQuestion([], "something"));
        Assert.Equal((1.0, 1.0), SquadMetrics.ScoreQuestion([""], ""));
        // A gold answer that normalizes to nothing is dropped, leaving a no-answer question; a prediction that
        // normalizes to nothing then matches it.
        Assert.Equal((1.0, 1.0), SquadMetrics.ScoreQuestion(["the"], ""));
        Assert.Equal((1.0, 1.0), SquadMetrics.ScoreQuestion(["the the the"], "the"));
        // An answerable question with an empty prediction scores 0.
        Assert.Equal((0.0, 0.0), SquadMetrics.ScoreQuestion(["Paris"], ""));
    }

    [Fact]
    public void MultilingualAnswersShowTheScriptsEnglishCentricRules()
    {
        // Accents are kept: "zurich" is not "zürich" (one of two tokens shared).
        Assert.Equal((0.0, 0.5), SquadMetrics.ScoreQuestion(["Zürich, Schweiz"], "zurich schweiz"));
        // Case folding works in any cased script (Cyrillic), but the stress mark is a separate code point.
        Assert.Equal((1.0, 1.0), SquadMetrics.ScoreQuestion(["Москва Река"], "москва река"));
        Assert.Equal((0.0, 0.5), SquadMetrics.ScoreQuestion(["Москва\u0301 река"], "москва река"));
        // Non-ASCII punctuation is not removed: the ideographic full stop makes the answer differ.
        Assert.Equal((0.0, 0.0), SquadMetrics.ScoreQuestion(["東京タワー"], "東京タワー。"));
        // Without spaces an answer is one token, so F1 degenerates to exact match: a partial answer scores 0.
        Assert.Equal((0.0, 0.0), SquadMetrics.ScoreQuestion(["東京タワー"], "東京"));
        Assert.Equal((1.0, 1.0), SquadMetrics.ScoreQuestion(["東京タワー"], "東京タワー"));
        // Greek final sigma, as Python lower-cases it: "ΟΔΟΣ" becomes "οδος" with ς, not σ.
        Assert.Equal((1.0, 1.0), SquadMetrics.ScoreQuestion(["\u039F\u0394\u039F\u03A3"], "\u03BF\u03B4\u03BF\u03C2"));
        Assert.Equal((0.0, 0.0), SquadMetrics.ScoreQuestion(["\u039F\u0394\u039F\u03A3"], "\u03BF\u03B4\u03BF\u03C3"));
        // Arabic's article is not removed.
        Assert.Equal((0.0, 0.0), SquadMetrics.ScoreQuestion(["القاهرة"], "ال قاهرة"));
    }

    [Fact]
    public void TotalsArePercentagesWithHasAnsAndNoAnsSplits()
    {
        var metrics = SquadMetrics.Evaluate(
        [
            (["The Eiffel Tower."], "eiffel tower"),          // EM 1, F1 1
            (["a cat sat on the mat"], "the cat on a red mat"), // EM 0, F1 0.75
            ([], ""),                                           // no answer: EM 1, F1 1
            ([""], "Paris"),                                    // no answer: EM 0, F1 0
        ]);
        Assert.Equal(4, metrics.Count);
        Assert.Equal(50.0, metrics.ExactMatch);
        Assert.Equal(100.0 * 2.75 / 4, metrics.F1Score, 12);
        Assert.Equal((2L, 50.0, 87.5), (metrics.HasAnswerCount, metrics.HasAnswerExactMatch, metrics.HasAnswerF1Score));
        Assert.Equal((2L, 50.0, 50.0), (metrics.NoAnswerCount, metrics.NoAnswerExactMatch, metrics.NoAnswerF1Score));
    }

    [Fact]
    public void EmptySplitsAreNaN()
    {
        var metrics = SquadMetrics.Evaluate([(["Paris"], "paris")]);
        Assert.Equal((100.0, 100.0, 1L), (metrics.ExactMatch, metrics.F1Score, metrics.Count));
        Assert.Equal(0, metrics.NoAnswerCount);
        Assert.True(double.IsNaN(metrics.NoAnswerExactMatch) && double.IsNaN(metrics.NoAnswerF1Score));
    }
}
