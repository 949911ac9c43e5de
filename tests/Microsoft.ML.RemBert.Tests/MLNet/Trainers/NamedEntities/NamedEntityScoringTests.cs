using Microsoft.ML.Data;
using Microsoft.ML.RemBert.Trainers;
using Xunit;

namespace Microsoft.ML.RemBert.Tests.MLNet.Trainers.NamedEntities;

/// <summary>
/// The trained NER transformer on a tiny random model (what it learns does not matter here): output schema, one tag
/// per word whatever the length, batched windows equal to one row at a time, persistence, and bad input named by row
/// and column before any training.
/// </summary>
[Collection(TrainingCollection.Name)]
public sealed class NamedEntityScoringTests : MLNetFileTestBase
{
    private static RemBertNamedEntityRecognitionOptions Options(Action<RemBertNamedEntityRecognitionOptions>? change = null)
    {
        var options = TinyTraining.Options(new RemBertNamedEntityRecognitionOptions());
        options.MaxEpochs = 1;
        options.Stride = 4;
        change?.Invoke(options);
        return options;
    }

    private IDataView Keyed(IEnumerable<NamedEntityData.Row> rows)
        => MLContext.Transforms.Conversion.MapValueToKey("Label", "Tags").Fit(MLContext.Data.LoadFromEnumerable(NamedEntityData.SpacedRows(64, seed: 9)))
            .Transform(MLContext.Data.LoadFromEnumerable(rows));

    private static Exception FitFails(RemBertNamedEntityRecognitionTrainer trainer, IDataView data)
        => Record.Exception(() => trainer.Fit(data)) ?? throw new Xunit.Sdk.XunitException("Fit succeeded.");

    [Fact]
    public void BatchedWindowsOfManyRowsEqualOneRowAtATimeWithOneTagPerWord()
    {
        using var model = MLContext.MulticlassClassification.Trainers.RemBertNamedEntityRecognition(Options()).Fit(Keyed(NamedEntityData.SpacedRows(24, seed: 1)));
        var spaced = NamedEntityData.SpacedRows(30, seed: 2);
        var rows = spaced.Take(8).Select(row => new Input(row.Sentence1))
            .Concat(Enumerable.Range(0, 3).Select(i => new Input(string.Join(' ', spaced.Skip(8 + 7 * i).Take(7).Select(row => row.Sentence1)))))
            .Append(new Input("")).Append(new Input(" \t ")).Append(new Input("Maria"))
            .ToArray();
        var data = MLContext.Data.LoadFromEnumerable(rows);

        var predictions = model.Transform(data);
        var schema = predictions.Schema;
        Assert.Equal(new VectorDataViewType(new KeyDataViewType(typeof(uint), 5)), schema["PredictedLabel"].Type);
        Assert.Equal(new VectorDataViewType(NumberDataViewType.Single), schema["Score"].Type);
        VBuffer<ReadOnlyMemory<char>> keyValues = default;
        schema["PredictedLabel"].GetKeyValues(ref keyValues);
        Assert.Equal(model.TagNames, keyValues.DenseValues().Select(value => value.ToString()));

        var batched = MLContext.Data.CreateEnumerable<KeyPrediction>(predictions, reuseRowObject: false).ToArray();
        using var engine = MLContext.Model.CreatePredictionEngine<Input, KeyPrediction>(model, new PredictionEngineOptions { OwnsTransformer = false });
        var windows = new Microsoft.ML.RemBert.MLNet.Trainers.NamedEntities.WordWindows(
            Microsoft.ML.RemBert.Tokenization.RemBertTokenizer.FromPretrained(KeywordData.TinyTokenizerPath), 24, 4);
        Assert.Contains(rows, row => windows.Encode(row.Sentence1.Split(' ', StringSplitOptions.RemoveEmptyEntries)).Windows.Length >= 3);
        for (int i = 0; i < rows.Length; i++)
        {
            int words = rows[i].Sentence1.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries).Length;
            Assert.Equal(words, batched[i].PredictedLabel.Length);
            Assert.Equal(words, batched[i].Score.Length);
            Assert.All(batched[i].PredictedLabel, key => Assert.InRange(key, 1u, 5u));
            Assert.All(batched[i].Score, score => Assert.InRange(score, 0.2f, 1f)); // the best of 5 probabilities
            var alone = engine.Predict(rows[i]);
            Assert.Equal(batched[i].PredictedLabel, alone.PredictedLabel);
            Assert.Equal(batched[i].Score, alone.Score, (a, b) => Math.Abs(a - b) < 1e-5); // a row alone vs in a padded batch
        }

        string zip = Path.Combine(TempDirectory, "ner.zip");
        MLContext.Model.Save(model, data.Schema, zip);
        var loaded = (RemBertNamedEntityRecognitionTransformer)MLContext.Model.Load(zip, out _);
        using (loaded)
        {
            Assert.Equal(model.TagNames, loaded.TagNames);
            var again = MLContext.Data.CreateEnumerable<KeyPrediction>(loaded.Transform(data), reuseRowObject: false).ToArray();
            for (int i = 0; i < rows.Length; i++)
            {
                Assert.Equal(batched[i].PredictedLabel, again[i].PredictedLabel);
                Assert.Equal(batched[i].Score, again[i].Score);
            }
        }
    }

    [Fact]
    public void AValidationSetIsScoredByEntityF1OverWholeSentencesAfterEachEpoch()
    {
        var reports = new List<RemBertTrainingProgress>();
        var parts = NamedEntityData.SpacedRows(4, seed: 6);
        var longRow = new NamedEntityData.Row(string.Join(' ', parts.Select(row => row.Sentence1)), parts.SelectMany(row => row.Words).ToArray(),
            parts.SelectMany(row => row.Tags).ToArray());
        var validation = Keyed(NamedEntityData.SpacedRows(6, seed: 5).Append(longRow));
        using var model = MLContext.MulticlassClassification.Trainers.RemBertNamedEntityRecognition(Options(o =>
        {
            o.MaxEpochs = 2;
            o.ValidationSet = validation;
            o.Progress = new SynchronousProgress(reports.Add);
        })).Fit(Keyed(NamedEntityData.SpacedRows(16, seed: 1)));

        var validations = reports.Where(report => report.ValidationMetric is not null).ToArray();
        Assert.Equal(2, validations.Length);
        Assert.All(validations, report => Assert.Equal("EntityF1", report.ValidationMetricName));
        Assert.All(validations, report => Assert.InRange(report.ValidationMetric!.Value, 0, 1));
        // The kept epoch's metric is the evaluator's entity F1 of the returned model on the same rows.
        double expected = MLContext.MulticlassClassification.EvaluateNamedEntities(model.Transform(validation)).F1Score;
        Assert.Equal(validations.Max(report => report.ValidationMetric!.Value), expected, 6);
    }

    [Fact]
    public void TagCountNotTheWordCountNamesTheRowAndColumns()
    {
        var rows = NamedEntityData.SpacedRows(3, seed: 1).ToList();
        rows[1] = rows[1] with { Tags = rows[1].Tags[..^1] };
        var error = FitFails(MLContext.MulticlassClassification.Trainers.RemBertNamedEntityRecognition(Options()), Keyed(rows));
        Assert.Contains($"Row 1 of the training data: column 'Label' has {rows[1].Tags.Length} tags but column 'Sentence1' has {rows[1].Words.Length} words (split on whitespace)", error.Message);
    }

    [Fact]
    public void TagCountNotTheWordCountOfAWordsColumnNamesIt()
    {
        var rows = new[] { new NamedEntityData.Row("", ["さくら", "は", "東京", "に"], ["B-PER", "O", "B-LOC"]) };
        var error = FitFails(MLContext.MulticlassClassification.Trainers.RemBertNamedEntityRecognition(Options(o => o.WordsColumnName = "Words")), Keyed(rows));
        Assert.Contains("Row 0 of the training data: column 'Label' has 3 tags but column 'Words' has 4 words;", error.Message);
    }

    [Fact]
    public void AnUnseenTagNamesTheRowWordAndColumn()
    {
        var rows = NamedEntityData.SpacedRows(3, seed: 1).ToList();
        rows[2] = rows[2] with { Tags = rows[2].Tags.Select((tag, i) => i == 1 ? "B-ORG" : tag).ToArray() };
        var error = FitFails(MLContext.MulticlassClassification.Trainers.RemBertNamedEntityRecognition(Options()), Keyed(rows));
        Assert.Contains("Row 2 of the training data, column 'Label', word 1: key 0 is not a tag (a missing value", error.Message);
    }

    [Fact]
    public void ALabelThatIsNotAVectorOfKeysIsNamed()
    {
        var data = MLContext.Data.LoadFromEnumerable(NamedEntityData.SpacedRows(3, seed: 1));
        var error = FitFails(MLContext.MulticlassClassification.Trainers.RemBertNamedEntityRecognition(Options(o => o.LabelColumnName = "Tags")), data);
        Assert.Contains("Label column 'Tags' of the training data is Vector<String>; it must be a vector of keys, one per word", error.Message);
    }

    [Fact]
    public void ATagOutsideBioIsNamed()
    {
        var rows = new[] { new NamedEntityData.Row("Maria lives here", [], ["PERSON", "O", "O"]) };
        var data = MLContext.Transforms.Conversion.MapValueToKey("Label", "Tags").Fit(MLContext.Data.LoadFromEnumerable(rows)).Transform(MLContext.Data.LoadFromEnumerable(rows));
        var error = FitFails(MLContext.MulticlassClassification.Trainers.RemBertNamedEntityRecognition(Options()), data);
        Assert.Contains("Label column 'Label' of the training data has the tag 'PERSON' (key 1), which is not a BIO/IOB2 tag", error.Message);
    }

    [Fact]
    public void AWordsColumnThatIsNotAVectorOfTextIsNamed()
    {
        var error = FitFails(MLContext.MulticlassClassification.Trainers.RemBertNamedEntityRecognition(Options(o => o.WordsColumnName = "Sentence1")),
            Keyed(NamedEntityData.SpacedRows(3, seed: 1)));
        Assert.Contains("Column 'Sentence1' (WordsColumnName) of the training data is String; it must be a vector of text (one word per slot).", error.Message);
    }

    [Fact]
    public void DataWithoutWordsIsRefused()
    {
        var rows = new[] { new NamedEntityData.Row(" ", [], []) };
        var error = FitFails(MLContext.MulticlassClassification.Trainers.RemBertNamedEntityRecognition(Options()), Keyed(rows));
        Assert.Contains("The training data has no rows with words", error.Message);
    }

    [Fact]
    public void TheEstimatorSchemaHasAVectorOfKeysPerWord()
    {
        var estimator = MLContext.Transforms.Conversion.MapValueToKey("Label", "Tags")
            .Append(MLContext.MulticlassClassification.Trainers.RemBertNamedEntityRecognition(Options()));
        var shape = estimator.GetOutputSchema(SchemaShape.Create(MLContext.Data.LoadFromEnumerable(NamedEntityData.SpacedRows(3, seed: 1)).Schema));
        Assert.True(shape.TryFindColumn("PredictedLabel", out var predicted));
        Assert.True(predicted.IsKey);
        Assert.Equal(SchemaShape.Column.VectorKind.VariableVector, predicted.Kind);
        Assert.True(shape.TryFindColumn("Score", out var score));
        Assert.Equal(NumberDataViewType.Single, score.ItemType);
    }

    private sealed record Input(string Sentence1);

    private sealed class KeyPrediction
    {
        [KeyType(5)] public uint[] PredictedLabel { get; set; } = [];
        public float[] Score { get; set; } = [];
    }
}
