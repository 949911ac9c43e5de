using Microsoft.ML.Data;
using Microsoft.ML.RemBert.Tests.Samples;
using Microsoft.ML.RemBert.Trainers;
using Xunit;
using Xunit.Abstractions;

namespace Microsoft.ML.RemBert.Tests.MLNet.Trainers.MultiLabel;

/// <summary>
/// The multi-label trainer end to end: learns which of three intents a multilingual text names (0, 1 or 2 of them)
/// from the embedded default model, beats the trivial baseline on held-out rows, and saves and loads with equal
/// predictions.
/// </summary>
[Collection(TrainingCollection.Name)]
public sealed class MultiLabelTrainerTests(ITestOutputHelper output) : MLNetFileTestBase
{
    [SkippableFact]
    [Trait("Category", "Slow")]
    public void LearnsKeywordLabelsFromTheDefaultModelAndReloadsWithEqualPredictions()
    {
        DefaultModelWeights.SkipIfMissing();
        var train = MLContext.Data.LoadFromEnumerable(MultiLabelData.Rows(120, seed: 1));
        var testRows = MultiLabelData.Rows(60, seed: 2);
        var test = MLContext.Data.LoadFromEnumerable(testRows);
        var trainer = MLContext.MulticlassClassification.Trainers.RemBertMultiLabel(new RemBertMultiLabelOptions
        {
            Model = RemBertDefaultModel.Directory,
            MaxEpochs = 6,
            BatchSize = 8,
            LearningRate = 5e-4,
            WarmupRatio = 0.1,
            MaxSequenceLength = 24,
            Seed = 1,
            Device = "cpu",
        });

        using var model = trainer.Fit(train);
        var scored = model.Transform(test);
        var metrics = MLContext.MulticlassClassification.EvaluateMultiLabel(scored);
        // The best trivial predictor of micro F1 here gives every row every label (recall 1, precision = label density).
        var everything = MLContext.Data.LoadFromEnumerable(testRows.Select(row => new { row.Label, PredictedLabels = model.LabelNames.ToArray() }));
        var baseline = MLContext.MulticlassClassification.EvaluateMultiLabel(everything, scoreColumnName: null);
        output.WriteLine($"held-out micro F1 {metrics.MicroF1:F3} (all-labels baseline {baseline.MicroF1:F3}), macro F1 {metrics.MacroF1:F3}, " +
            $"subset accuracy {metrics.SubsetAccuracy:F3}, Hamming loss {metrics.HammingLoss:F3}");
        // Measured (seed 1, CPU): micro F1 0.897 against the baseline's 0.462; macro F1 0.893, subset accuracy 0.833, Hamming loss 0.061.
        Assert.True(metrics.MicroF1 >= baseline.MicroF1 + 0.25, $"micro F1 {metrics.MicroF1} against the all-labels baseline {baseline.MicroF1}");

        Assert.Equal(["alarm", "music", "weather"], model.LabelNames);
        Assert.Equal(0.5f, model.Threshold);
        var slotNames = default(VBuffer<ReadOnlyMemory<char>>);
        scored.Schema["Score"].GetSlotNames(ref slotNames);
        Assert.Equal(model.LabelNames, slotNames.DenseValues().Select(name => name.ToString()));
        var predictions = MLContext.Data.CreateEnumerable<MultiLabelData.Prediction>(scored, reuseRowObject: false).ToArray();
        Assert.All(predictions, row => Assert.Equal(
            row.Score.Select((probability, i) => (probability, i)).Where(p => p.probability > 0.5f).Select(p => model.LabelNames[p.i]),
            row.PredictedLabels));

        string zip = Path.Combine(TempDirectory, "multi-label.zip");
        MLContext.Model.Save(model, train.Schema, zip);
        var loaded = MLContext.Model.Load(zip, out _);
        try
        {
            var reloaded = MLContext.Data.CreateEnumerable<MultiLabelData.Prediction>(loaded.Transform(test), reuseRowObject: false).ToArray();
            Assert.Equal(predictions.Select(row => row.Score), reloaded.Select(row => row.Score));
            Assert.Equal(predictions.Select(row => row.PredictedLabels), reloaded.Select(row => row.PredictedLabels));
        }
        finally
        {
            ((IDisposable)loaded).Dispose();
        }
    }

    [Fact]
    public void KeyVectorLabelsGiveTheKeyValuesAsLabelSetEvenUnseenOnes()
    {
        // The key type from MapValueToKey over more rows than are trained on: "alarm" may be absent from the trained rows
        // but is still a label (keys fix the label set, as for the multiclass trainer).
        var keyData = MLContext.Data.LoadFromEnumerable(new[] { new MultiLabelData.Row("", ["weather", "music", "alarm"]) });
        var keys = MLContext.Transforms.Conversion.MapValueToKey("Label").Fit(keyData);
        var rows = MultiLabelData.Rows(16, seed: 3).Select(row => new MultiLabelData.Row(row.Sentence1, row.Label.Where(l => l != "alarm").ToArray()));
        var trainer = MLContext.MulticlassClassification.Trainers.RemBertMultiLabel(TinyTraining.Options(new RemBertMultiLabelOptions { Threshold = 0.3f }));

        using var model = trainer.Fit(keys.Transform(MLContext.Data.LoadFromEnumerable(rows)));

        Assert.Equal(["weather", "music", "alarm"], model.LabelNames);
        Assert.Equal(0.3f, model.Threshold);
        var scored = MLContext.Data.CreateEnumerable<MultiLabelData.Prediction>(model.Transform(MLContext.Data.LoadFromEnumerable(MultiLabelData.Rows(4, seed: 4))), false).ToArray();
        Assert.All(scored, row => Assert.Equal(3, row.Score.Length));
        Assert.All(scored, row => Assert.Equal(
            row.Score.Select((probability, i) => (probability, i)).Where(p => p.probability > 0.3f).Select(p => model.LabelNames[p.i]), row.PredictedLabels));
    }

    [Fact]
    public void BadLabelsAreNamed()
    {
        var trainer = MLContext.MulticlassClassification.Trainers.RemBertMultiLabel(TinyTraining.Options(new RemBertMultiLabelOptions()));

        var scalar = Record.Exception(() => trainer.Fit(MLContext.Data.LoadFromEnumerable(KeywordData.IntentRows(4, 1))));
        Assert.Contains("Label column 'Label' of the training data is String; it must be a vector of text or a vector of keys", scalar?.Message);

        var empty = Record.Exception(() => trainer.Fit(Rows(("weather now", ["weather"]), ("music", ["music", ""]))));
        Assert.Contains("Row 1 of the training data has an empty label name in column 'Label'", empty?.Message);

        var none = Record.Exception(() => trainer.Fit(Rows(("weather now", []), ("music", []))));
        Assert.Contains("No row of the training data has a label in column 'Label'", none?.Message);

        var keysWithoutNames = MLContext.Data.LoadFromEnumerable(new[] { new KeyRow { Sentence1 = "x", Label = [1u] } }, KeyRow.Definition());
        var unnamed = Record.Exception(() => trainer.Fit(keysWithoutNames));
        Assert.Contains("is a vector of keys without text KeyValues, so its label names are unknown", unnamed?.Message);

        var withValidation = MLContext.MulticlassClassification.Trainers.RemBertMultiLabel(TinyTraining.Options(new RemBertMultiLabelOptions
        {
            ValidationSet = Rows(("weather", ["weather"]), ("taxi", ["taxi"])),
        }));
        var unknown = Record.Exception(() => withValidation.Fit(Rows(("weather now", ["weather"]), ("music", ["music"]))));
        Assert.Contains("Row 1 of the validation set has the label 'taxi' in column 'Label', which is not one of the 2 labels of the training data (music, weather)", unknown?.Message);

        var threshold = Record.Exception(() => MLContext.MulticlassClassification.Trainers.RemBertMultiLabel(
            TinyTraining.Options(new RemBertMultiLabelOptions { Threshold = 1.5f })).Fit(Rows(("a", ["a"]))));
        Assert.Contains("Threshold is 1.5; it must be a probability in [0, 1]", threshold?.Message);
    }

    [Fact]
    public void EstimatorSchemaNamesTheOutputsAndRefusesAScalarLabel()
    {
        var trainer = MLContext.MulticlassClassification.Trainers.RemBertMultiLabel();
        var shape = trainer.GetOutputSchema(SchemaShape.Create(Rows(("a", ["a"])).Schema));
        Assert.True(shape.TryFindColumn("Score", out var score) && score.ItemType == NumberDataViewType.Single);
        Assert.True(shape.TryFindColumn("PredictedLabels", out var predicted) && predicted.ItemType is TextDataViewType
            && predicted.Kind == SchemaShape.Column.VectorKind.VariableVector);
        var scalar = Assert.ThrowsAny<ArgumentException>(() => trainer.GetOutputSchema(SchemaShape.Create(MLContext.Data.LoadFromEnumerable(KeywordData.IntentRows(1, 1)).Schema)));
        Assert.Contains("Label", scalar.Message);
    }

    private IDataView Rows(params (string Text, string[] Labels)[] rows)
        => MLContext.Data.LoadFromEnumerable(rows.Select(row => new MultiLabelData.Row(row.Text, row.Labels)));

    private sealed class KeyRow
    {
        public string Sentence1 { get; set; } = "";
        public uint[] Label { get; set; } = [];

        public static SchemaDefinition Definition()
        {
            var definition = SchemaDefinition.Create(typeof(KeyRow));
            definition[nameof(Label)].ColumnType = new VectorDataViewType(new KeyDataViewType(typeof(uint), 3));
            return definition;
        }
    }
}
