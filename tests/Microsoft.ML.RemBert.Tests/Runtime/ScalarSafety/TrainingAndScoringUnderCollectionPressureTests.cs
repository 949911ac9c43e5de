using System.Diagnostics;
using Microsoft.ML.RemBert.Tests.MLNet;
using Microsoft.ML.RemBert.Tests.MLNet.Trainers;
using Microsoft.ML.RemBert.Tests.MLNet.Trainers.MultipleChoice;
using Microsoft.ML.RemBert.Tests.MLNet.Trainers.NamedEntities;
using Microsoft.ML.RemBert.Tests.MLNet.Trainers.QuestionAnswering;
using Microsoft.ML.RemBert.Trainers;
using Xunit;

namespace Microsoft.ML.RemBert.Tests.Runtime.ScalarSafety;

/// <summary>
/// Issue 25 for each task's trainer and transformer: a training run (every step's forward, loss, backward, clipping
/// and AdamW update) and a PredictionEngine loop, both while a thread forces collections and runs finalizers. Nothing
/// fails, the model trained under pressure equals the one trained without (seeded CPU training repeats exactly), and
/// every prediction equals the one made without pressure, bit for bit.
/// </summary>
[Collection(TrainingCollection.Name)]
[Trait("Category", "Slow")]
public sealed class TrainingAndScoringUnderCollectionPressureTests : MLNetFileTestBase
{
    private static readonly TimeSpan PredictionLoop = TimeSpan.FromSeconds(2);
    private const int MinimumPasses = 3;

    [Fact]
    public void TextClassification()
    {
        var data = TinyTraining.KeyedIntents(MLContext, 24, seed: 1);
        var rows = MLContext.Data.CreateEnumerable<TextRow>(data, reuseRowObject: false).Take(8).ToArray();
        Check<TextRow, ScoreRow>(() =>
        {
            var options = TinyTraining.Multiclass();
            options.MaxEpochs = 1;
            return MLContext.MulticlassClassification.Trainers.RemBert(options).Fit(data);
        }, rows);
    }

    [Fact]
    public void NamedEntityRecognition()
    {
        var data = MLContext.Transforms.Conversion.MapValueToKey("Label", "Tags")
            .Fit(MLContext.Data.LoadFromEnumerable(NamedEntityData.SpacedRows(64, seed: 9)))
            .Transform(MLContext.Data.LoadFromEnumerable(NamedEntityData.SpacedRows(24, seed: 1)));
        var rows = NamedEntityData.SpacedRows(8, seed: 2).Select(row => new TextRow { Sentence1 = row.Sentence1 }).ToArray();
        Check<TextRow, ScoreRow>(() =>
        {
            var options = TinyTraining.Options(new RemBertNamedEntityRecognitionOptions());
            options.MaxEpochs = 1;
            options.Stride = 4;
            return MLContext.MulticlassClassification.Trainers.RemBertNamedEntityRecognition(options).Fit(data);
        }, rows);
    }

    [Fact]
    public void QuestionAnswering()
    {
        var rows = AnswerData.Rows(16, seed: 3, sentences: 5);
        Check<AnswerData.AnswerRow, ScoreRow>(() =>
        {
            var options = QuestionAnsweringBadInputTests.Tiny();
            options.MaxEpochs = 1;
            return MLContext.MulticlassClassification.Trainers.RemBertQuestionAnswer(options).Fit(MLContext.Data.LoadFromEnumerable(rows));
        }, rows.Take(8).ToArray());
    }

    [Fact]
    public void MultipleChoice()
    {
        var rows = ChoiceData.Rows(24, seed: 5);
        Check<ChoiceData.ChoiceRow, ScoreRow>(() =>
        {
            var options = TinyTraining.Options(new RemBertMultipleChoiceOptions());
            options.MaxEpochs = 1;
            return MLContext.MulticlassClassification.Trainers.RemBertMultipleChoice(options).Fit(MLContext.Data.LoadFromEnumerable(rows));
        }, rows.Take(8).ToArray());
    }

    /// <summary>Trains without pressure, then trains and predicts in a loop under it; any libtorch failure throws here.</summary>
    private void Check<TInput, TOutput>(Func<ITransformer> fit, TInput[] rows)
        where TInput : class where TOutput : class, IScores, new()
    {
        var quiet = fit();
        var expected = Predict<TInput, TOutput>(quiet, rows);
        (quiet as IDisposable)?.Dispose();

        int predictions = 0, collections;
        ITransformer pressed;
        using (var pressure = new CollectionPressure())
        {
            pressed = fit();
            using var engine = MLContext.Model.CreatePredictionEngine<TInput, TOutput>(pressed, new PredictionEngineOptions { OwnsTransformer = false });
            // At least MinimumPasses over the rows, however slow the machine.
            for (var clock = Stopwatch.StartNew(); clock.Elapsed < PredictionLoop || predictions < MinimumPasses * rows.Length;)
                for (int i = 0; i < rows.Length; i++, predictions++)
                    Assert.Equal(expected[i], engine.Predict(rows[i]).Score);
            collections = pressure.Collections;
        }
        Assert.Equal(expected, Predict<TInput, TOutput>(pressed, rows));
        (pressed as IDisposable)?.Dispose();
        Assert.True(collections >= 10, $"only {collections} forced collections while training and predicting");
    }

    private float[][] Predict<TInput, TOutput>(ITransformer model, TInput[] rows)
        where TInput : class where TOutput : class, IScores, new()
    {
        using var engine = MLContext.Model.CreatePredictionEngine<TInput, TOutput>(model, new PredictionEngineOptions { OwnsTransformer = false });
        return rows.Select(row => engine.Predict(row).Score.ToArray()).ToArray();
    }

    public interface IScores
    {
        float[] Score { get; }
    }

    public sealed class TextRow
    {
        public string Sentence1 { get; set; } = "";
    }

    public sealed class ScoreRow : IScores
    {
        public float[] Score { get; set; } = [];
    }
}
