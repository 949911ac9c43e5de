using Microsoft.ML.Data;
using Microsoft.ML.RemBert.Tokenization;
using Microsoft.ML.RemBert.Trainers;
using Xunit;
using Xunit.Abstractions;

namespace Microsoft.ML.RemBert.Tests.MLNet.Trainers.NamedEntities;

/// <summary>
/// The NER trainer end to end from the tiny reference checkpoint: names and places in six languages (Japanese given as
/// words), sentences long enough for several windows, entity F1 by the seqeval evaluator, every predicted tag on its
/// own word (multi-piece words and the last window included), then saved and scored again in a new process.
/// </summary>
[Collection(TrainingCollection.Name)]
public sealed class NamedEntityTrainerTests(ITestOutputHelper output) : TrainerTestBase
{
    private const int MaxSequenceLength = 32;

    [SkippableFact]

    [Trait("Category", "Slow")]
    public void LearnsNamesAndPlacesInSixLanguagesTagsEveryWordAndReloadsInAnotherProcess()
    {
        var trainRows = NamedEntityData.Rows(200, seed: 1).Concat(NamedEntityData.LongRows(16, sentences: 4, seed: 3)).ToArray();
        var testRows = NamedEntityData.Rows(60, seed: 2);
        var longRows = NamedEntityData.LongRows(12, sentences: 5, seed: 4);
        var train = MLContext.Data.LoadFromEnumerable(trainRows);
        var pipeline = MLContext.Transforms.Conversion.MapValueToKey("Label", "Tags")
            .Append(MLContext.MulticlassClassification.Trainers.RemBertNamedEntityRecognition(new RemBertNamedEntityRecognitionOptions
            {
                Model = KeywordData.BaseCheckpoint,
                WordsColumnName = "Words",
                MaxEpochs = 8,
                BatchSize = 8,
                LearningRate = 3e-3,
                Progress = new SynchronousProgress(report => output.WriteLine(report.ToString())),
                WarmupRatio = 0.1,
                MaxSequenceLength = MaxSequenceLength,
                Stride = 8,
                Seed = 1,
            }));

        var model = pipeline.Fit(train);
        var metrics = MLContext.MulticlassClassification.EvaluateNamedEntities(model.Transform(MLContext.Data.LoadFromEnumerable(testRows)));
        output.WriteLine(metrics.ToReport());

        var longPredictions = model.Transform(MLContext.Data.LoadFromEnumerable(longRows));
        var longMetrics = MLContext.MulticlassClassification.EvaluateNamedEntities(longPredictions);
        output.WriteLine(longMetrics.ToReport());
        var (multiPiece, lastWindow) = TagsOnTheirWords(longRows, Tags(longPredictions));
        Assert.True(metrics.F1Score >= 0.7, $"entity F1 {metrics.F1Score} on short sentences (an untrained tagger finds next to no entity)");
        Assert.True(longMetrics.F1Score >= 0.7, $"entity F1 {longMetrics.F1Score} on sentences of several windows");
        // A shift by one token would put nearly every entity tag on a neighbouring word: these shares would be near 0.
        Assert.True(multiPiece.Right >= 0.7 * multiPiece.Count, $"{multiPiece.Right}/{multiPiece.Count} multi-piece entity words tagged right");
        Assert.True(lastWindow.Right >= 0.7 * lastWindow.Count, $"{lastWindow.Right}/{lastWindow.Count} entity words of last windows tagged right");

        // rembert predict writes a key column as its key numbers.
        var expected = MLContext.Data.CreateEnumerable<KeyPrediction>(longPredictions, reuseRowObject: false).ToArray();
        var reloaded = PredictInChildProcess(model, train, longRows, "PredictedLabel", "Score");
        Assert.Equal(expected.Length, reloaded.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.Equal(longRows[i].Words.Length, expected[i].PredictedLabel.Length);
            Assert.Equal(expected[i].PredictedLabel, reloaded[i].GetProperty("PredictedLabel").EnumerateArray().Select(key => key.GetUInt32()));
            Assert.Equal(expected[i].Score, Floats(reloaded[i].GetProperty("Score")));
        }
        model.OfType<RemBertNamedEntityRecognitionTransformer>().Single().Dispose();
    }

    // Counts the entity words tagged right, among those the tokenizer splits into several pieces and those predicted from
    // the last window of their row: a tagger that shifted tags by one token would put B-PER on the word before the name.
    private ((int Right, int Count) MultiPiece, (int Right, int Count) LastWindow) TagsOnTheirWords(NamedEntityData.Row[] rows, string[][] predicted)
    {
        var tokenizer = RemBertTokenizer.FromPretrained(KeywordData.BaseCheckpoint);
        var windows = new Microsoft.ML.RemBert.MLNet.Trainers.NamedEntities.WordWindows(tokenizer, MaxSequenceLength, 8);
        int entityWords = 0, correct = 0, multiPiece = 0, multiPieceRight = 0, lastWindow = 0, lastWindowRight = 0;
        for (int row = 0; row < rows.Length; row++)
        {
            var encoded = windows.Encode(rows[row].Words);
            Assert.True(encoded.Windows.Length >= 3, $"long row {row} has {encoded.Windows.Length} windows");
            Assert.Equal(rows[row].Words.Length, predicted[row].Length);
            for (int word = 0; word < rows[row].Words.Length; word++)
            {
                if (rows[row].Tags[word] == "O")
                    continue;
                entityWords++;
                bool right = predicted[row][word] == rows[row].Tags[word];
                correct += right ? 1 : 0;
                if (windows.Pieces(rows[row].Words[word]).Length > 1)
                {
                    multiPiece++;
                    multiPieceRight += right ? 1 : 0;
                }
                if (encoded.Placements[word].Window == encoded.Windows.Length - 1)
                {
                    lastWindow++;
                    lastWindowRight += right ? 1 : 0;
                }
            }
        }
        output.WriteLine($"entity words tagged right: {correct}/{entityWords}; of several pieces {multiPieceRight}/{multiPiece}; in a last window {lastWindowRight}/{lastWindow}");
        Assert.True(multiPiece > 0 && lastWindow > 0, "the long rows hold multi-piece entity words and entity words in last windows");
        return ((multiPieceRight, multiPiece), (lastWindowRight, lastWindow));
    }

    private string[][] Tags(IDataView predictions)
        => MLContext.Data.CreateEnumerable<Prediction>(
                MLContext.Transforms.Conversion.MapKeyToValue("PredictedTags", "PredictedLabel").Fit(predictions).Transform(predictions), reuseRowObject: false)
            .Select(row => row.PredictedTags).ToArray();

    private sealed class Prediction
    {
        public string[] PredictedTags { get; set; } = [];
    }

    private sealed class KeyPrediction
    {
        [KeyType(5)] public uint[] PredictedLabel { get; set; } = [];
        public float[] Score { get; set; } = [];
    }
}
