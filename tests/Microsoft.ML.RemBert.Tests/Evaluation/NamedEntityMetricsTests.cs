using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.ML.RemBert.Evaluation;
using Microsoft.ML.RemBert.Tests.Infrastructure;
using Xunit;

namespace Microsoft.ML.RemBert.Tests.Evaluation;

public class NamedEntityMetricsTests
{
    private static NamedEntityMetrics Evaluate(string[][] expected, string[][] predicted)
    {
        var evaluator = new NamedEntityEvaluator();
        for (var i = 0; i < expected.Length; i++)
            evaluator.Add(expected[i], predicted[i]);
        return evaluator.GetMetrics();
    }

    // seqeval's README example.
    private static readonly string[][] ReadmeTrue = [["O", "O", "O", "B-MISC", "I-MISC", "I-MISC", "O"], ["B-PER", "I-PER", "O"]];
    private static readonly string[][] ReadmePredicted = [["O", "O", "B-MISC", "I-MISC", "I-MISC", "I-MISC", "O"], ["B-PER", "I-PER", "O"]];

    [Fact]
    public void SeqevalReadmeExample()
    {
        var metrics = Evaluate(ReadmeTrue, ReadmePredicted);
        Assert.Equal(0.5, metrics.F1Score);
        Assert.Equal(0.5, metrics.Precision);
        Assert.Equal(0.5, metrics.Recall);
        Assert.Equal(0.8, metrics.TokenAccuracy, 12);
        Assert.Equal((2, 2, 1, 2), (metrics.Support, metrics.PredictedCount, metrics.CorrectCount, metrics.SentenceCount));
        Assert.Equal(["MISC", "PER"], metrics.PerEntityType.Select(t => t.EntityType));
        var misc = metrics.PerEntityType[0];
        Assert.Equal((0.0, 0.0, 0.0, 1L), (misc.Precision, misc.Recall, misc.F1Score, misc.Support));
        var person = metrics.PerEntityType[1];
        Assert.Equal((1.0, 1.0, 1.0, 1L), (person.Precision, person.Recall, person.F1Score, person.Support));
        Assert.Equal((0.5, 0.5, 0.5), (metrics.MacroPrecision, metrics.MacroRecall, metrics.MacroF1Score));
        Assert.Equal((0.5, 0.5, 0.5), (metrics.WeightedPrecision, metrics.WeightedRecall, metrics.WeightedF1Score));
    }

    [Fact]
    public void ReportIsSeqevalsClassificationReport()
    {
        // Exactly the README's print(classification_report(y_true, y_pred)).
        const string expected =
            "              precision    recall  f1-score   support\n" +
            "\n" +
            "        MISC       0.00      0.00      0.00         1\n" +
            "         PER       1.00      1.00      1.00         1\n" +
            "\n" +
            "   micro avg       0.50      0.50      0.50         2\n" +
            "   macro avg       0.50      0.50      0.50         2\n" +
            "weighted avg       0.50      0.50      0.50         2\n";
        Assert.Equal(expected, Evaluate(ReadmeTrue, ReadmePredicted).ToReport());
    }

    [Fact]
    public void SeqevalDocstringAverages()
    {
        // seqeval's f1_score docstring: micro 0.6667, macro 0.75, weighted 0.6667, per type [0.5, 1.0].
        var metrics = Evaluate(
            [["O", "O", "B-MISC", "I-MISC", "B-MISC", "O", "O"], ["B-PER", "I-PER", "O"]],
            [["O", "O", "B-MISC", "I-MISC", "B-MISC", "I-MISC", "O"], ["B-PER", "I-PER", "O"]]);
        Assert.Equal(2.0 / 3, metrics.F1Score, 15);
        Assert.Equal(0.75, metrics.MacroF1Score, 15);
        Assert.Equal(2.0 / 3, metrics.WeightedF1Score, 15);
        Assert.Equal([0.5, 1.0], metrics.PerEntityType.Select(t => t.F1Score));
    }

    [Fact]
    public void ConllF1ScoreOfInsideOnlyPredictionIsOne()
        // seqeval test_conll_f1score: y_true [['B-ORG','I-ORG']], y_pred [['I-ORG','I-ORG']] → 1 in default mode.
        => Assert.Equal(1.0, Evaluate([["B-ORG", "I-ORG"]], [["I-ORG", "I-ORG"]]).F1Score);

    [Fact]
    public void AdjacentEntitiesMustBothMatch()
    {
        // Labels: two PER entities side by side; the prediction merges them into one: 0 correct of 1 predicted, 2 expected.
        var metrics = Evaluate([["B-PER", "B-PER", "O"]], [["B-PER", "I-PER", "O"]]);
        Assert.Equal((2L, 1L, 0L), (metrics.Support, metrics.PredictedCount, metrics.CorrectCount));
        Assert.Equal(0, metrics.F1Score);
        // Splitting correctly: 2 of 2.
        Assert.Equal(1.0, Evaluate([["B-PER", "B-PER"]], [["B-PER", "B-PER"]]).F1Score);
    }

    [Fact]
    public void SpanAndTypeMustBothMatch()
    {
        // Hand-worked: expected PER(0..2), LOC(3), ORG(5..7); predicted PER(0..2) ✓, LOC(3..4) ✗ span, MISC(5..7) ✗ type.
        var metrics = Evaluate(
            [["B-PER", "I-PER", "O", "B-LOC", "O", "B-ORG", "I-ORG"]],
            [["B-PER", "I-PER", "O", "B-LOC", "I-LOC", "B-MISC", "I-MISC"]]);
        Assert.Equal((3L, 3L, 1L), (metrics.Support, metrics.PredictedCount, metrics.CorrectCount));
        Assert.Equal(1.0 / 3, metrics.F1Score, 15);
        Assert.Equal(["LOC", "MISC", "ORG", "PER"], metrics.PerEntityType.Select(t => t.EntityType));
        var misc = metrics.PerEntityType[1];
        Assert.Equal((0L, 1L, 0.0), (misc.Support, misc.PredictedCount, misc.Recall));
        // Macro over the four types: precision (0 + 0 + 0 + 1) / 4; weighted by support (1, 0, 1, 1): 1/3.
        Assert.Equal(0.25, metrics.MacroPrecision);
        Assert.Equal(1.0 / 3, metrics.WeightedRecall, 15);
    }

    [Fact]
    public void EntitiesNeverCrossSentences()
    {
        // An I-PER at the start of the second sentence starts a new entity even after a PER ending the first.
        var metrics = Evaluate([["B-PER"], ["I-PER"]], [["B-PER"], ["I-PER"]]);
        Assert.Equal((2L, 2L), (metrics.Support, metrics.CorrectCount));
    }

    [Fact]
    public void NoEntitiesAtAllGivesZerosAndNaNMacro()
    {
        var metrics = Evaluate([["O", "O"]], [["O", "O"]]);
        Assert.Equal((0.0, 0.0, 0.0), (metrics.Precision, metrics.Recall, metrics.F1Score));
        Assert.True(double.IsNaN(metrics.MacroF1Score));
        Assert.Equal(0, metrics.WeightedF1Score);
        Assert.Equal(1.0, metrics.TokenAccuracy);
    }

    [Fact]
    public void LengthMismatchIsRejected()
    {
        var error = Assert.Throws<ArgumentException>(() => new NamedEntityEvaluator().Add(["O", "B-PER"], ["O"]));
        Assert.Contains("2 expected tags but 1 predicted", error.Message);
    }

    [Fact]
    public void ReportRoundsHalfToEvenLikePython()
    {
        // PER: 8 predicted, 1 correct → precision 0.125 exactly, which Python prints "0.12" (.NET's F2 gives "0.13").
        var expected = new[] { new[] { "B-PER" } }.Concat(Enumerable.Repeat(new[] { "O" }, 7)).ToArray();
        var predicted = Enumerable.Repeat(new[] { "B-PER" }, 8).ToArray();
        var report = Evaluate(expected, predicted).ToReport();
        Assert.Contains("         PER       0.12      1.00      0.22         1\n", report);
        Assert.Contains("         PER     0.1250    1.0000    0.2222         1\n", Evaluate(expected, predicted).ToReport(digits: 4));
    }

    [Theory]
    [InlineData(0.125, 2, "0.12")]
    [InlineData(0.375, 2, "0.38")]
    [InlineData(0.025, 2, "0.03")]
    [InlineData(0.015, 2, "0.01")]
    [InlineData(2.0 / 3, 2, "0.67")]
    [InlineData(0.5, 0, "0")]
    [InlineData(1.5, 0, "2")]
    [InlineData(2.5, 0, "2")]
    [InlineData(1.0 / 3, 4, "0.3333")]
    [InlineData(double.NaN, 2, "nan")]
    public void FixedPointFormattingEqualsPython(double value, int digits, string python)
        => Assert.Equal(python, PythonFixedPoint.Format(value, digits));

    [Fact]
    public void MatchesConllevalOnRandomSentences()
    {
        // conlleval.pl's output on the same file (see TestData/Evaluation/README.md).
        var (expected, predicted) = ReadConllFile(TestPaths.TestData("Evaluation", "conlleval-random.txt"));
        var metrics = Evaluate(expected, predicted);
        var conlleval = File.ReadAllLines(TestPaths.TestData("Evaluation", "conlleval-random.expected.txt"));
        var totals = Regex.Match(conlleval[0], @"processed (\d+) tokens with (\d+) phrases; found: (\d+) phrases; correct: (\d+)\.");
        Assert.True(totals.Success, conlleval[0]);
        Assert.Equal(long.Parse(totals.Groups[2].Value), metrics.Support);
        Assert.Equal(long.Parse(totals.Groups[3].Value), metrics.PredictedCount);
        Assert.Equal(long.Parse(totals.Groups[4].Value), metrics.CorrectCount);
        var overall = Scores(conlleval[1]);
        Assert.Equal(overall["accuracy"], Math.Round(100 * metrics.TokenAccuracy, 2));
        Assert.Equal(overall["precision"], Math.Round(100 * metrics.Precision, 2));
        Assert.Equal(overall["recall"], Math.Round(100 * metrics.Recall, 2));
        Assert.Equal(overall["FB1"], Math.Round(100 * metrics.F1Score, 2));
        var perType = conlleval.Skip(2).Select(line => line.Trim()).ToArray();
        Assert.Equal(perType.Select(line => line[..line.IndexOf(':')]), metrics.PerEntityType.Select(t => t.EntityType));
        foreach (var (line, type) in perType.Zip(metrics.PerEntityType))
        {
            var scores = Scores(line);
            Assert.Equal(scores["precision"], Math.Round(100 * type.Precision, 2));
            Assert.Equal(scores["recall"], Math.Round(100 * type.Recall, 2));
            Assert.Equal(scores["FB1"], Math.Round(100 * type.F1Score, 2));
            Assert.Equal(long.Parse(line[(line.LastIndexOf(' ') + 1)..]), type.PredictedCount);
        }
    }

    private static Dictionary<string, double> Scores(string line)
        => Regex.Matches(line, @"(\w+):\s+([\d.]+)%?").ToDictionary(m => m.Groups[1].Value,
            m => double.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture));

    private static (string[][] Expected, string[][] Predicted) ReadConllFile(string path)
    {
        var expected = new List<string[]>();
        var predicted = new List<string[]>();
        var sentence = new List<string[]>();
        foreach (var line in File.ReadLines(path).Append(""))
        {
            if (line.Length > 0)
            {
                sentence.Add(line.Split(' '));
                continue;
            }
            if (sentence.Count == 0)
                continue;
            expected.Add(sentence.Select(fields => fields[^2]).ToArray());
            predicted.Add(sentence.Select(fields => fields[^1]).ToArray());
            sentence.Clear();
        }
        return (expected.ToArray(), predicted.ToArray());
    }
}
