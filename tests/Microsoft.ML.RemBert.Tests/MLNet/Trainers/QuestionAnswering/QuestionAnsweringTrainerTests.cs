using System.Diagnostics;
using Microsoft.ML.RemBert.Trainers;
using Xunit;
using Xunit.Abstractions;

namespace Microsoft.ML.RemBert.Tests.MLNet.Trainers.QuestionAnswering;

/// <summary>
/// The question-answering trainer end to end on the generated code-word task (five languages, two without spaces,
/// contexts needing several windows, a quarter of the questions unanswerable): trained from the small reference
/// checkpoint, evaluated with <c>EvaluateQuestionAnswering</c>, saved, and scored again in a new process identically.
/// </summary>
[Collection(TrainingCollection.Name)]
public sealed class QuestionAnsweringTrainerTests(ITestOutputHelper output) : TrainerTestBase
{
    private const int MaxSequenceLength = 48;
    private const int DocumentStride = 12;

    [SkippableFact]

    [Trait("Category", "Slow")]
    public void LearnsCodeWordsAcrossWindowsEvaluatesAndReloadsInAnotherProcess()
    {
        var trainRows = AnswerData.Rows(200, seed: 1);
        var testRows = AnswerData.Rows(60, seed: 2);
        var train = MLContext.Data.LoadFromEnumerable(trainRows);
        var test = MLContext.Data.LoadFromEnumerable(testRows);
        var encoder = AnswerSpanMappingTests.Encoder("base", MaxSequenceLength, DocumentStride);
        int multiWindow = testRows.Count(row => encoder.Encode(row.Context, row.Question).Windows.Count > 1);
        Assert.True(multiWindow >= testRows.Length * 3 / 4, $"only {multiWindow} of {testRows.Length} test contexts need several windows");

        var watch = Stopwatch.StartNew();
        using var model = MLContext.MulticlassClassification.Trainers.RemBertQuestionAnswer(new RemBertQuestionAnsweringOptions
        {
            Model = KeywordData.BaseCheckpoint,
            MaxEpochs = 6,
            BatchSize = 16,
            LearningRate = 2e-3,
            WarmupRatio = 0.1,
            MaxSequenceLength = MaxSequenceLength,
            DocumentStride = DocumentStride,
            Seed = 1,
        }).Fit(train);
        output.WriteLine($"trained in {watch.Elapsed.TotalSeconds:F1} s");

        var predictions = model.Transform(test);
        var metrics = MLContext.MulticlassClassification.EvaluateQuestionAnswering(predictions);
        output.WriteLine($"exact match {metrics.ExactMatch:F1}, F1 {metrics.F1Score:F1}; answered: EM {metrics.HasAnswerExactMatch:F1} of {metrics.HasAnswerCount}; " +
            $"unanswerable: EM {metrics.NoAnswerExactMatch:F1} of {metrics.NoAnswerCount}");
        // Chance: answering nothing scores the unanswerable quarter (EM ~25); a random span of the context almost never matches.
        Assert.True(metrics.ExactMatch >= 80, $"exact match {metrics.ExactMatch}");
        Assert.True(metrics.HasAnswerExactMatch >= 75, $"exact match of answerable questions {metrics.HasAnswerExactMatch}");

        var expected = MLContext.Data.CreateEnumerable<Prediction>(predictions, reuseRowObject: false).ToArray();
        for (int i = 0; i < expected.Length; i++)
        {
            var row = expected[i];
            Assert.Equal(3, row.Answer.Length);
            Assert.Equal(row.Answer.Length, row.Score.Length);
            Assert.Equal(row.Answer.Length, row.AnswerStart.Length);
            Assert.True(row.Score.Zip(row.Score.Skip(1)).All(pair => pair.First >= pair.Second), "scores best first");
            for (int k = 0; k < row.Answer.Length; k++)
                Assert.Equal(row.Answer[k], row.AnswerStart[k] < 0 ? "" : testRows[i].Context.Substring(row.AnswerStart[k], row.Answer[k].Length));
        }

        var reloaded = PredictInChildProcess(model, train, testRows, "Answer", "Score", "AnswerStart");
        Assert.Equal(expected.Length, reloaded.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.Equal(expected[i].Answer, reloaded[i].GetProperty("Answer").EnumerateArray().Select(value => value.GetString()));
            Assert.Equal(expected[i].Score, Floats(reloaded[i].GetProperty("Score")));
            Assert.Equal(expected[i].AnswerStart, reloaded[i].GetProperty("AnswerStart").EnumerateArray().Select(value => value.GetInt32()));
        }
    }

    private sealed class Prediction
    {
        public string[] Answer { get; set; } = [];
        public float[] Score { get; set; } = [];
        public int[] AnswerStart { get; set; } = [];
    }
}
