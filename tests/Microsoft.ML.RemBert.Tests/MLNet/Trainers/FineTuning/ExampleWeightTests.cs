using Microsoft.ML.RemBert.Tests.Infrastructure;
using Microsoft.ML.RemBert.Trainers;
using Xunit;
using Xunit.Abstractions;

namespace Microsoft.ML.RemBert.Tests.MLNet.Trainers.FineTuning;

/// <summary>
/// ExampleWeightColumnName: bad weights are errors naming the row and column, the loss is the weighted mean (also
/// across accumulated batches), and weighting a rare class raises its recall.
/// </summary>
[Collection(TrainingCollection.Name)]
public sealed class ExampleWeightTests(ITestOutputHelper output) : MLNetFileTestBase
{
    [Theory]
    [InlineData(-1f, "weight -1")]
    [InlineData(float.NaN, "weight NaN")]
    [InlineData(float.PositiveInfinity, "weight Infinity")]
    public void ABadWeightIsAnErrorNamingTheRowAndColumn(float bad, string shown)
    {
        var rows = WeatherRows(8, seed: 1).Select((row, i) => i == 5 ? row with { Weight = bad } : row).ToArray();
        var error = Assert.ThrowsAny<Exception>(() => Binary(o => o.ExampleWeightColumnName = "Weight").Fit(MLContext.Data.LoadFromEnumerable(rows)));
        Assert.Contains($"Row 5 of the training data has {shown} in column 'Weight' (ExampleWeightColumnName)", error.Message);
    }

    [Fact]
    public void AllZeroWeightsAreAnErrorAndAMissingOrMistypedColumnIsNamed()
    {
        var zero = WeatherRows(8, seed: 1).Select(row => row with { Weight = 0 }).ToArray();
        var error = Assert.ThrowsAny<Exception>(() => Binary(o => o.ExampleWeightColumnName = "Weight").Fit(MLContext.Data.LoadFromEnumerable(zero)));
        Assert.Contains("Every row of the training data has weight 0 in column 'Weight' (ExampleWeightColumnName)", error.Message);

        var data = MLContext.Data.LoadFromEnumerable(WeatherRows(8, seed: 1));
        error = Assert.ThrowsAny<Exception>(() => Binary(o => o.ExampleWeightColumnName = "Importance").Fit(data));
        Assert.Contains("The training data has no weight column 'Importance' (ExampleWeightColumnName)", error.Message);
        error = Assert.ThrowsAny<Exception>(() => Binary(o => o.ExampleWeightColumnName = "Sentence1").Fit(data));
        Assert.Contains("Weight column 'Sentence1' (ExampleWeightColumnName) of the training data is String; it must be Single", error.Message);
        Assert.ThrowsAny<Exception>(() => Binary(o => o.ExampleWeightColumnName = "Sentence1").GetOutputSchema(SchemaShape.Create(data.Schema)));
    }

    [Fact]
    public void MultipleChoiceTakesWeightsAndNamesABadOne()
    {
        var rows = MultipleChoice.ChoiceData.Rows(6, seed: 3)
            .Select((row, i) => new WeightedChoiceRow(row.Prompt, row.Choices, row.Label, i switch { 0 => 3, 1 => 0, _ => 1 })).ToArray();
        var options = TinyTraining.Options(new RemBertMultipleChoiceOptions { ExampleWeightColumnName = "Weight" });
        options.MaxEpochs = 1;
        options.BatchSize = 3;
        using (var model = MLContext.MulticlassClassification.Trainers.RemBertMultipleChoice(options).Fit(MLContext.Data.LoadFromEnumerable(rows)))
            Assert.NotNull(model);

        rows[4] = rows[4] with { Weight = float.NaN };
        var error = Assert.ThrowsAny<Exception>(() => MLContext.MulticlassClassification.Trainers.RemBertMultipleChoice(options).Fit(MLContext.Data.LoadFromEnumerable(rows)));
        Assert.Contains("Row 4 of the training data has weight NaN in column 'Weight' (ExampleWeightColumnName)", error.Message);
    }

    private sealed record WeightedChoiceRow(string Prompt, string[] Choices, uint Label, float Weight);

    /// <summary>
    /// Two rows weighted 3 and 1: one batch of both, or two accumulated batches of one, must take the same steps (the loop
    /// weights a batch by its share of the step's weight, not of its rows); with equal weights the result differs, so
    /// the comparison can see the weights.
    /// </summary>
    [Fact]
    public void AccumulatedBatchesAreWeightedByTheirShareOfTheWeight()
    {
        var rows = WeatherRows(2, seed: 3).Select((row, i) => row with { Label = i == 0, Weight = i == 0 ? 3 : 1 }).ToArray();
        var data = MLContext.Data.LoadFromEnumerable(rows);
        float[] Scores(int batchSize, int accumulation, string? weightColumn)
        {
            using var model = Binary(o =>
            {
                o.Config = TinyTraining.Config() with { HiddenDropoutProb = 0, AttentionProbsDropoutProb = 0, ClassifierDropoutProb = 0 };
                o.BatchSize = batchSize;
                o.GradientAccumulationSteps = accumulation;
                o.MaxEpochs = 3;
                o.ExampleWeightColumnName = weightColumn;
            }).Fit(data);
            return MLContext.Data.CreateEnumerable<Prediction>(model.Transform(data), reuseRowObject: false).Select(p => p.Score).ToArray();
        }

        var oneBatch = Scores(2, 1, "Weight");
        var accumulated = Scores(1, 2, "Weight");
        var unweighted = Scores(1, 2, null);
        output.WriteLine($"one batch {string.Join(", ", oneBatch)}; accumulated {string.Join(", ", accumulated)}; unweighted {string.Join(", ", unweighted)}");
        for (int i = 0; i < rows.Length; i++)
            Assert.Equal(oneBatch[i], accumulated[i], 4);
        Assert.True(Math.Abs(oneBatch[0] - unweighted[0]) > 1e-3 || Math.Abs(oneBatch[1] - unweighted[1]) > 1e-3,
            "the weights changed nothing: the test cannot tell weighted from unweighted training");
    }

    /// <summary>
    /// 95/5 training data (760 negative, 40 positive rows) where the keyword "weather" marks every positive row but also a
    /// fifth of the negative ones: unweighted, a "weather" row is positive 40 times in 192 and the model learns to say
    /// "no"; weighting the minority 19× makes it 760 in 912, and the model learns to say "yes" to "weather". Measured
    /// (tiny model from random weights, 30 epochs of batch 40 at learning rate 1e-2, about 6 s for both runs on the idle
    /// 2-core machine): held-out recall of the minority 0.000 unweighted and 1.000 weighted 19× with seed 7 (the test's);
    /// with seeds 8 and 9, 0.000 against 0.500 and 0.000 against 0.930. With a quarter of the rows and 10 epochs the tiny
    /// model learnt only the prior (0.49 weighted, then 0.00 once batches were length-grouped as transformers groups
    /// them): too little data to learn the keyword.
    /// </summary>
    [Fact]
    [Trait("Category", "Slow")]
    public void WeightingTheMinorityRaisesItsRecall()
    {
        var train = MLContext.Data.LoadFromEnumerable(SkewedRows(760, 40, seed: 11));
        var test = MLContext.Data.LoadFromEnumerable(SkewedRows(0, 100, seed: 12));

        double Recall(string? weightColumn)
        {
            using var model = Binary(o =>
            {
                // The 8k vocabulary makes each keyword one piece, which the tiny model learns in a few epochs.
                o.Config = TinyTraining.Config(8000);
                o.Tokenizer = TestPaths.Fixture("sentencepiece", "unigram-8k.model");
                o.ExampleWeightColumnName = weightColumn;
                o.MaxEpochs = 30;
                o.LearningRate = 1e-2;
                // About two minority rows per batch: with batches of 16, most hold none, and Adam's steps swing between them.
                o.BatchSize = 40;
            }).Fit(train);
            var predictions = MLContext.Data.CreateEnumerable<Prediction>(model.Transform(test), reuseRowObject: false).ToArray();
            output.WriteLine($"{weightColumn ?? "unweighted"}: mean score {predictions.Average(p => p.Score):F3}");
            return predictions.Average(p => p.PredictedLabel ? 1.0 : 0.0);
        }

        double unweighted = Recall(null), weighted = Recall("Weight");
        output.WriteLine($"held-out recall of the 5 % class: unweighted {unweighted:F3}, weighted 19x {weighted:F3}");
        Assert.True(weighted >= unweighted + 0.25, $"recall unweighted {unweighted}, weighted {weighted}");
    }

    // Rows of three fillers and a keyword: "weather" in every positive row (weight 19) and in a fifth of the negative
    // ones (weight 1), "music" or "alarm" in the other negative ones.
    private static WeightedRow[] SkewedRows(int negatives, int positives, int seed)
    {
        string[] fillers = ["please", "now", "today", "for", "me", "the", "and", "then", "quickly", "tell", "about", "my"];
        var random = new Random(seed);
        WeightedRow Row(string keyword, bool label)
        {
            var words = Enumerable.Range(0, 3).Select(_ => fillers[random.Next(fillers.Length)]).ToList();
            words.Insert(random.Next(words.Count + 1), keyword);
            return new WeightedRow(string.Join(' ', words), label, label ? 19 : 1);
        }
        return Enumerable.Range(0, negatives).Select(i => Row((i % 5) switch { 0 => "weather", 1 or 2 => "music", _ => "alarm" }, false))
            .Concat(Enumerable.Range(0, positives).Select(_ => Row("weather", true)))
            .OrderBy(_ => random.Next()).ToArray();
    }

    private RemBertBinaryClassificationTrainer Binary(Action<RemBertBinaryClassificationOptions> change)
    {
        var options = TinyTraining.Options(new RemBertBinaryClassificationOptions());
        change(options);
        return MLContext.BinaryClassification.Trainers.RemBert(options);
    }

    /// <summary>Intent rows labelled "is about the weather", weight 1.</summary>
    internal static WeightedRow[] WeatherRows(int count, int seed)
        => KeywordData.IntentRows(count, seed).Select(row => new WeightedRow(row.Sentence1, row.Label == "weather", 1f)).ToArray();

    internal sealed record WeightedRow(string Sentence1, bool Label, float Weight);

    private sealed class Prediction
    {
        public float Score { get; set; }
        public bool PredictedLabel { get; set; }
    }
}
