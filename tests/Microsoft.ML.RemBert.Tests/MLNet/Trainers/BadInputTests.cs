using Microsoft.ML.Data;
using Microsoft.ML.RemBert.Trainers;
using Xunit;

namespace Microsoft.ML.RemBert.Tests.MLNet.Trainers;

/// <summary>Bad data and options fail before any training step, with a message naming the column, row or option.</summary>
[Collection(TrainingCollection.Name)]
public sealed class BadInputTests : MLNetFileTestBase
{
    private static Exception FitFails<TTransformer>(RemBertSequenceTrainer<TTransformer> trainer, IDataView data)
        where TTransformer : Microsoft.ML.RemBert.Trainers.RemBertScoringTransformer
        => Record.Exception(() => trainer.Fit(data)) ?? throw new Xunit.Sdk.XunitException("Fit succeeded.");

    private RemBertTextClassificationTrainer Multiclass(Action<RemBertTextClassificationOptions>? change = null)
    {
        var options = TinyTraining.Multiclass();
        change?.Invoke(options);
        return MLContext.MulticlassClassification.Trainers.RemBert(options);
    }

    [Fact]
    public void MissingTextColumnIsNamed()
    {
        var error = FitFails(Multiclass(o => o.Sentence1ColumnName = "Text"), TinyTraining.KeyedIntents(MLContext, 8, 1));
        Assert.Contains("The training data has no column 'Text' (Sentence1ColumnName)", error.Message);
    }

    [Fact]
    public void TextColumnOfAnotherTypeIsNamed()
    {
        var data = MLContext.Data.LoadFromEnumerable(new[] { new NumberRow(1f, true) });
        var trainer = MLContext.BinaryClassification.Trainers.RemBert(TinyTraining.Options(new RemBertBinaryClassificationOptions()));
        var error = FitFails(trainer, data);
        Assert.Contains("Column 'Sentence1' (Sentence1ColumnName) of the training data is Single; it must be text (String).", error.Message);
    }

    [Fact]
    public void MulticlassLabelMustBeAKey()
    {
        var error = FitFails(Multiclass(), MLContext.Data.LoadFromEnumerable(KeywordData.IntentRows(8, 1)));
        Assert.Contains("Label column 'Label' of the training data is String; it must be a key type", error.Message);
    }

    [Fact]
    public void BinaryLabelMustBeBoolean()
    {
        var trainer = MLContext.BinaryClassification.Trainers.RemBert(TinyTraining.Options(new RemBertBinaryClassificationOptions()));
        var error = FitFails(trainer, MLContext.Data.LoadFromEnumerable(KeywordData.PairRows(8, 1)));
        Assert.Contains("Label column 'Label' of the training data is Single; it must be Boolean.", error.Message);
    }

    [Fact]
    public void RegressionLabelMustBeSingle()
    {
        var trainer = MLContext.Regression.Trainers.RemBert(TinyTraining.Options(new RemBertRegressionOptions()));
        var error = FitFails(trainer, MLContext.Data.LoadFromEnumerable(new[] { new TextRow("hello", true) }));
        Assert.Contains("Label column 'Label' of the training data is Boolean; it must be Single.", error.Message);
    }

    [Fact]
    public void MissingLabelColumnIsNamed()
    {
        var error = FitFails(Multiclass(o => o.LabelColumnName = "Intent"), TinyTraining.KeyedIntents(MLContext, 8, 1));
        Assert.Contains("The training data has no label column 'Intent' (LabelColumnName).", error.Message);
    }

    [Fact]
    public void MissingKeyLabelNamesTheRow()
    {
        // A label the key mapping has never seen becomes key 0, ML.NET's missing key.
        var rows = new[] { new KeywordData.IntentRow("a", "weather"), new KeywordData.IntentRow("b", "music"), new KeywordData.IntentRow("c", "unseen") };
        var data = MLContext.Transforms.Conversion.MapValueToKey("Label").Fit(MLContext.Data.LoadFromEnumerable(rows.Take(2)))
            .Transform(MLContext.Data.LoadFromEnumerable(rows));
        var error = FitFails(Multiclass(), data);
        Assert.Contains("Row 2 of the training data has a missing label (NaN or key 0) in column 'Label'.", error.Message);
    }

    [Fact]
    public void NaNRegressionLabelNamesTheRow()
    {
        var rows = KeywordData.PairRows(3, 1).Select((row, i) => i == 1 ? row with { Label = float.NaN } : row);
        var trainer = MLContext.Regression.Trainers.RemBert(TinyTraining.Options(new RemBertRegressionOptions { Sentence2ColumnName = "Sentence2" }));
        var error = FitFails(trainer, MLContext.Data.LoadFromEnumerable(rows));
        Assert.Contains("Row 1 of the training data has a missing label (NaN or key 0) in column 'Label'.", error.Message);
    }

    [Fact]
    public void EmptyTrainingSetIsAnError()
    {
        var data = MLContext.Data.SkipRows(TinyTraining.KeyedIntents(MLContext, 8, 1), 100);
        var error = FitFails(Multiclass(), data);
        Assert.Contains("The training data has no rows", error.Message);
    }

    [Fact]
    public void ValidationSetErrorsNameTheValidationSet()
    {
        var validation = MLContext.Data.LoadFromEnumerable(KeywordData.IntentRows(4, 1));
        var error = FitFails(Multiclass(o => o.ValidationSet = validation), TinyTraining.KeyedIntents(MLContext, 8, 1));
        Assert.Contains("Label column 'Label' of the validation set is String", error.Message);
    }

    [Fact]
    public void TokenizerVocabularyMustMatchTheModel()
    {
        var error = FitFails(Multiclass(o => o.Config = TinyTraining.Config(vocabularySize: 500)), TinyTraining.KeyedIntents(MLContext, 8, 1));
        Assert.Contains($"The tokenizer '{KeywordData.TinyTokenizerPath}' has {TinyTraining.VocabularySize} pieces but the model (the Config option) has vocab_size 500", error.Message);
    }

    [Fact]
    public void MaxSequenceLengthBeyondThePositionEmbeddingsIsNamed()
    {
        var error = FitFails(Multiclass(o => o.MaxSequenceLength = 65), TinyTraining.KeyedIntents(MLContext, 8, 1));
        Assert.Contains("MaxSequenceLength is 65 but the model (the Config option) has max_position_embeddings 64.", error.Message);
    }

    [Theory]
    [InlineData(nameof(RemBertTrainerOptions.BatchSize), "BatchSize is 0; it must be at least 1.")]
    [InlineData(nameof(RemBertTrainerOptions.MaxEpochs), "MaxEpochs is 0; it must be at least 1.")]
    [InlineData(nameof(RemBertTrainerOptions.LearningRate), "LearningRate is 0; it must be a positive finite number.")]
    [InlineData(nameof(RemBertTrainerOptions.WarmupRatio), "WarmupRatio is 1.5; it must be between 0 and 1.")]
    [InlineData(nameof(RemBertTrainerOptions.GradientAccumulationSteps), "GradientAccumulationSteps is 0; it must be at least 1.")]
    [InlineData(nameof(RemBertTrainerOptions.MaxSequenceLength), "MaxSequenceLength is 2; it must be at least 3.")]
    [InlineData(nameof(RemBertTrainerOptions.InferenceBatchSize), "InferenceBatchSize is 0; it must be at least 1.")]
    public void InvalidOptionIsNamedWithItsValue(string option, string message)
    {
        var trainer = Multiclass(o =>
        {
            switch (option)
            {
                case nameof(o.BatchSize): o.BatchSize = 0; break;
                case nameof(o.MaxEpochs): o.MaxEpochs = 0; break;
                case nameof(o.LearningRate): o.LearningRate = 0; break;
                case nameof(o.WarmupRatio): o.WarmupRatio = 1.5; break;
                case nameof(o.GradientAccumulationSteps): o.GradientAccumulationSteps = 0; break;
                case nameof(o.MaxSequenceLength): o.MaxSequenceLength = 2; break;
                case nameof(o.InferenceBatchSize): o.InferenceBatchSize = 0; break;
            }
        });
        var error = Assert.IsType<ArgumentOutOfRangeException>(FitFails(trainer, TinyTraining.KeyedIntents(MLContext, 8, 1)));
        Assert.Equal(option, error.ParamName);
        Assert.Contains(message, error.Message);
    }

    [Fact]
    public void AHubIdMissingFromTheCacheOfflineSaysWhatToDownload()
    {
        var error = FitFails(Multiclass(o =>
        {
            o.Config = null;
            o.Tokenizer = null;
            o.Model = "google/rembert-missing";
            o.Hub = new Microsoft.ML.RemBert.Checkpoints.Hub.RemBertHubOptions { Offline = true, CacheDirectory = TempDirectory };
        }), TinyTraining.KeyedIntents(MLContext, 8, 1));
        Assert.IsType<Microsoft.ML.RemBert.Checkpoints.Hub.RemBertHubException>(error);
        Assert.Contains("Cannot get 'google/rembert-missing'", error.Message);
        Assert.Contains("huggingface-cli download google/rembert-missing", error.Message);
    }

    [Fact]
    public void TextLongerThanTheMaximumIsTruncatedNotAnError()
    {
        string longText = string.Join(' ', Enumerable.Repeat("weather music alarm", 200));
        var rows = KeywordData.IntentRows(8, 1).Append(new KeywordData.IntentRow(longText, "music")).ToArray();
        var data = MLContext.Transforms.Conversion.MapValueToKey("Label").Fit(MLContext.Data.LoadFromEnumerable(rows))
            .Transform(MLContext.Data.LoadFromEnumerable(rows));
        var options = TinyTraining.Multiclass();
        options.MaxEpochs = 1;

        using var model = MLContext.MulticlassClassification.Trainers.RemBert(options).Fit(data);

        var scores = MLContext.Data.CreateEnumerable<ScoreRow>(model.Transform(data), reuseRowObject: false).ToArray();
        Assert.Equal(rows.Length, scores.Length);
        Assert.All(scores, row => Assert.Equal(1.0, row.Score.Sum(), 4));
    }

    private sealed record NumberRow(float Sentence1, bool Label);

    private sealed record TextRow(string Sentence1, bool Label);

    private sealed class ScoreRow
    {
        public float[] Score { get; set; } = [];
    }
}
