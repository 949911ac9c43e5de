using Microsoft.ML.RemBert.MLNet.Trainers.QuestionAnswering;
using Microsoft.ML.RemBert.Tests.Infrastructure;
using Microsoft.ML.RemBert.Tokenization;
using Xunit;
using Xunit.Abstractions;

namespace Microsoft.ML.RemBert.Tests.MLNet.Trainers.QuestionAnswering;

/// <summary>
/// The character bookkeeping of question answering without a model: run_qa's windows over a long context, the
/// training targets of each window, and the answer selection that maps tokens back to the original context.
/// </summary>
public sealed class AnswerSpanMappingTests(ITestOutputHelper output)
{
    [SkippableTheory]
    // The tiny tokenizer (146 pieces, mostly single characters, so questions take ~20 tokens) makes one unknown token of
    // a run of CJK characters: an answer inside such a token comes back as the whole token, as in transformers (an answer
    // is made of tokens). The 8k multilingual vocabulary splits at every answer boundary of the data.
    [InlineData("tiny", 48, 8, false)]
    [InlineData("base", 24, 6, true)]
    public void TargetsOfEveryWindowMapBackToTheAnswerInTheOriginalContext(string tokenizerName, int maxSequenceLength, int stride, bool exact)
    {
        var encoder = Encoder(tokenizerName, maxSequenceLength, stride);
        var selector = new AnswerSpanSelector(topK: 3, maxAnswerLength: 30);
        int windowsWithAnswer = 0, multiWindowRows = 0, exactCount = 0;
        foreach (var row in AnswerData.Rows(60, seed: 5).Concat(OddRows()))
        {
            var question = new TrainingQuestion(encoder.Encode(row.Context, row.Question), row.TrainingAnswer);
            if (question.Windows.Windows.Count > 1) multiWindowRows++;
            var examples = QuestionAnsweringExample.ForQuestion(question, row.TrainingAnswer.Length == 0 ? -1 : row.AnswerIndex, row.AnswerIndex + row.TrainingAnswer.Length).ToList();
            Assert.Equal(question.Windows.Windows.Count, examples.Count);
            foreach (var example in examples.Where(example => example.StartPosition > 0))
            {
                windowsWithAnswer++;
                var answers = selector.Select(new QuestionWindows(row.Context, [example.Window]), [OneHot(example.Length, example.StartPosition)], [OneHot(example.Length, example.EndPosition)]);
                Assert.Equal(answers.Best, row.Context.Substring(answers.Starts[0], answers.Best.Length));
                if (exact)
                {
                    Assert.Equal(row.TrainingAnswer, answers.Best);
                    Assert.Equal(row.AnswerIndex, answers.Starts[0]);
                }
                else
                {
                    Assert.InRange(row.AnswerIndex, answers.Starts[0], answers.Starts[0] + answers.Best.Length - row.TrainingAnswer.Length);
                    exactCount += answers.Best == row.TrainingAnswer ? 1 : 0;
                }
            }
            if (row.TrainingAnswer.Length == 0)
                Assert.All(examples, example => Assert.Equal((0, 0), (example.StartPosition, example.EndPosition)));
        }
        Assert.True(multiWindowRows > 40, $"{multiWindowRows} rows need several windows");
        Assert.True(windowsWithAnswer > 40, $"{windowsWithAnswer} windows hold an answer");
        output.WriteLine($"{multiWindowRows} rows in several windows, {windowsWithAnswer} windows with the answer" + (exact ? "" : $", {exactCount} exact"));
    }

    private static float[] OneHot(int length, int index)
    {
        var logits = new float[length];
        logits[index] = 10;
        return logits;
    }

    /// <summary>Rows whose answers sit after multi-byte characters (emoji, combining accents, CJK) and odd whitespace.</summary>
    private static IEnumerable<AnswerData.AnswerRow> OddRows()
    {
        yield return Row("😀😀 smile \t\t and  then   the code word is {0} , 🎉 party", "Zoë");
        yield return Row("cafe\u0301 au lait\u00A0\u00A0 the code word is {0} , done", "naïve");
        yield return Row("\n\n  leading lines\r\n the code word is {0}\t, trailing  ", "Ωmega");
        yield return Row("合言葉は「{0}」です。今日は天気が良い。", "さくら");
    }

    private static AnswerData.AnswerRow Row(string template, string answer)
    {
        int index = template.IndexOf("{0}", StringComparison.Ordinal);
        return new AnswerData.AnswerRow(template.Replace("{0}", answer), "What is the code word?", answer, index);
    }

    internal static QuestionAnsweringEncoder Encoder(string tokenizerName, int maxSequenceLength, int stride)
    {
        string path = tokenizerName == "tiny" ? KeywordData.TinyTokenizerPath : KeywordData.BaseCheckpoint;
        return new QuestionAnsweringEncoder(RemBertTokenizer.FromPretrained(path), "Context", "Question", maxSequenceLength, stride);
    }
}
