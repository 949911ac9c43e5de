using Microsoft.ML.RemBert.MLNet.Trainers.QuestionAnswering;
using Microsoft.ML.RemBert.Trainers;
using Xunit;

namespace Microsoft.ML.RemBert.Tests.MLNet.Trainers.QuestionAnswering;

/// <summary>
/// Inference of a tiny question-answering model trained for one epoch (what it learns does not matter here): the
/// answers do not depend on how rows and their windows are batched, the zip round-trips, and bad rows at Transform
/// time are named.
/// </summary>
[Collection(TrainingCollection.Name)]
public sealed class QuestionAnsweringInferenceTests : MLNetFileTestBase
{
    private const float Tolerance = 1e-5f;

    private readonly AnswerData.AnswerRow[] _rows = AnswerData.Rows(16, seed: 3, sentences: 5);

    private RemBertQuestionAnsweringTransformer Train(int inferenceBatchSize)
    {
        var options = QuestionAnsweringBadInputTests.Tiny();
        options.MaxEpochs = 1;
        options.InferenceBatchSize = inferenceBatchSize;
        return MLContext.MulticlassClassification.Trainers.RemBertQuestionAnswer(options).Fit(MLContext.Data.LoadFromEnumerable(_rows));
    }

    private Prediction[] Predict(ITransformer model, IEnumerable<AnswerData.AnswerRow> rows)
        => MLContext.Data.CreateEnumerable<Prediction>(model.Transform(MLContext.Data.LoadFromEnumerable(rows)), reuseRowObject: false).ToArray();

    private static void AssertSame(Prediction[] expected, Prediction[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.Equal(expected[i].Answer, actual[i].Answer);
            Assert.Equal(expected[i].AnswerStart, actual[i].AnswerStart);
            Assert.Equal(expected[i].Score.Length, actual[i].Score.Length);
            for (int k = 0; k < expected[i].Score.Length; k++)
                Assert.Equal(expected[i].Score[k], actual[i].Score[k], Tolerance);
        }
    }

    [Fact]
    public void AnswersAreTheSameWhateverTheBatchingOfRowsAndWindows()
    {
        // Seeded training on the CPU is repeatable: the two models are equal and differ only in InferenceBatchSize.
        using var one = Train(inferenceBatchSize: 1);
        using var many = Train(inferenceBatchSize: 32);
        var single = Predict(one, _rows);
        var batched = Predict(many, _rows);
        AssertSame(single, batched);

        using var engine = MLContext.Model.CreatePredictionEngine<AnswerData.AnswerRow, Prediction>(many, new PredictionEngineOptions { OwnsTransformer = false });
        AssertSame(single, _rows.Select(engine.Predict).ToArray());
        Assert.All(single, row => Assert.Equal(3, row.Answer.Length));
    }

    [Fact]
    public void EveryWindowOfEveryRowOfABatchGoesIntoOneForwardPass()
    {
        using var model = Train(inferenceBatchSize: 32);
        var task = (QuestionAnsweringScoringTask)model.ScoringTask;
        var rows = _rows.Take(5).Select(row => task.Encoder.Encode(row.Context, row.Question)).ToList();
        Assert.True(rows.Count(row => row.Windows.Count > 1) >= 3, "most rows need several windows");
        using var scope = TorchSharp.torch.NewDisposeScope();
        var inputs = task.Collate(rows);
        Assert.Equal(rows.Sum(row => row.Windows.Count), inputs.InputIds.shape[0]);
        Assert.Equal(rows.Max(row => row.Windows.Max(window => window.InputIds.Length)), inputs.InputIds.shape[1]);
    }

    [Fact]
    public void SavedAndLoadedModelAnswersTheSameWithItsSettings()
    {
        using var model = Train(inferenceBatchSize: 7);
        string path = Path.Combine(TempDirectory, "qa.zip");
        MLContext.Model.Save(model, MLContext.Data.LoadFromEnumerable(_rows).Schema, path);
        var loaded = Assert.IsType<RemBertQuestionAnsweringTransformer>(MLContext.Model.Load(path, out _));
        Assert.Equal((7, 3, 30, 8), (loaded.InferenceBatchSize, loaded.TopK, loaded.MaxAnswerLength, loaded.DocumentStride));
        AssertSame(Predict(model, _rows), Predict(loaded, _rows));
        loaded.Dispose();
    }

    [Fact]
    public void AnEmptyContextAtTransformNamesTheRowAndTheColumn()
    {
        using var model = Train(inferenceBatchSize: 4);
        var rows = _rows.Take(5).Append(_rows[0] with { Context = "" });
        var error = Assert.ThrowsAny<Exception>(() => Predict(model, rows));
        while (error.InnerException is not null && !error.Message.Contains("Row ")) error = error.InnerException;
        Assert.Contains("Row 5 of the input data has an empty context in column 'Context'", error.Message);
    }

    private sealed class Prediction
    {
        public string[] Answer { get; set; } = [];
        public float[] Score { get; set; } = [];
        public int[] AnswerStart { get; set; } = [];
    }
}
