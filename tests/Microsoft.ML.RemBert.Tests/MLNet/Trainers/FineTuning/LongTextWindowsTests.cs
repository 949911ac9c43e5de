using System.IO.Compression;
using Microsoft.ML.RemBert.MLNet.Trainers;
using Microsoft.ML.RemBert.Tests.Infrastructure;
using Microsoft.ML.RemBert.Trainers;
using Xunit;
using Xunit.Abstractions;

namespace Microsoft.ML.RemBert.Tests.MLNet.Trainers.FineTuning;

/// <summary>
/// LongTextStrategy.Windows end to end: a label decided by a word past the first window is learnt with windows and
/// not with truncation; the zip remembers the strategy; a zip of the previous layout (no strategy) still loads.
/// </summary>
[Collection(TrainingCollection.Name)]
public sealed class LongTextWindowsTests(ITestOutputHelper output) : MLNetFileTestBase
{
    private const int MaxSequenceLength = 16;

    /// <summary>
    /// Measured (tiny model from random weights, seed 7, 8 epochs at 5e-3, on a heavily loaded 2-core machine, about
    /// 8 min for both runs): held-out accuracy 0.690 with Windows, 0.470 with Truncate (chance: 0.5). At 1e-2 neither
    /// learnt (0.43 both). The assertions ask for the measured gap with a margin.
    /// </summary>
    [Fact]
    [Trait("Category", "Slow")]
    public void ALabelPastTheFirstWindowIsLearntWithWindowsOnly()
    {
        var train = MLContext.Data.LoadFromEnumerable(LateKeywordRows(160, seed: 21));
        var test = MLContext.Data.LoadFromEnumerable(LateKeywordRows(100, seed: 22));

        double Accuracy(LongTextStrategy strategy)
        {
            using var model = Binary(strategy).Fit(train);
            var predictions = MLContext.Data.CreateEnumerable<Prediction>(model.Transform(test), reuseRowObject: false);
            return predictions.Zip(LateKeywordRows(100, seed: 22)).Average(pair => pair.First.PredictedLabel == pair.Second.Label ? 1.0 : 0.0);
        }

        double truncated = Accuracy(LongTextStrategy.Truncate), windowed = Accuracy(LongTextStrategy.Windows);
        output.WriteLine($"held-out accuracy: Truncate {truncated:F3}, Windows {windowed:F3}");
        Assert.True(windowed >= 0.6 && windowed >= truncated + 0.15, $"Windows accuracy {windowed}, Truncate {truncated}");
        Assert.True(truncated <= 0.6, $"Truncate accuracy {truncated}: the first window does not show the keyword, so it should stay near chance");
    }

    [Fact]
    public void TheZipRemembersTheStrategyAndAnOldZipLoadsAsTruncate()
    {
        var rows = LateKeywordRows(16, seed: 23);
        var data = MLContext.Data.LoadFromEnumerable(rows);
        using var model = Binary(LongTextStrategy.Windows, epochs: 1).Fit(data);
        var expected = Scores(model, data);

        string zip = Path.Combine(TempDirectory, "windows.zip");
        MLContext.Model.Save(model, data.Schema, zip);
        var reloaded = MLContext.Model.Load(zip, out _);
        var task = (SequenceScoringTask)((RemBertBinaryClassificationTransformer)reloaded).ScoringTask;
        Assert.Equal(new SequenceWindowing(Stride: 4, MaxWindows: 4), task.Encoder.Windowing);
        Assert.Equal(expected, Scores(reloaded, data));
        (reloaded as IDisposable)?.Dispose();

        // The same zip rewritten in layout version 1 (no long-text fields) loads, and scores the first window only.
        string old = Path.Combine(TempDirectory, "version1.zip");
        File.Copy(zip, old);
        RewriteEntry(old, SequenceScoringTask.EntryName, VersionOne);
        var loadedOld = MLContext.Model.Load(old, out _);
        var oldTask = (SequenceScoringTask)((RemBertBinaryClassificationTransformer)loadedOld).ScoringTask;
        Assert.Null(oldTask.Encoder.Windowing);
        var truncatedScores = Scores(loadedOld, data);
        (loadedOld as IDisposable)?.Dispose();
        Assert.NotEqual(expected, truncatedScores);
    }

    private static void RewriteEntry(string path, string entryName, Func<byte[], byte[]> edit)
    {
        using var zip = ZipFile.Open(path, ZipArchiveMode.Update);
        var entry = zip.Entries.Single(e => e.FullName.EndsWith(entryName, StringComparison.Ordinal));
        byte[] bytes;
        using (var stream = entry.Open())
        using (var copy = new MemoryStream())
        {
            stream.CopyTo(copy);
            bytes = copy.ToArray();
        }
        string name = entry.FullName;
        entry.Delete();
        using var target = zip.CreateEntry(name).Open();
        target.Write(edit(bytes));
    }

    // Version 2's entry → version 1's: version field 1, and the three long-text int32s before the end marker removed.
    private static byte[] VersionOne(byte[] entry)
    {
        Assert.Equal(2, BitConverter.ToInt32(entry, 4));
        var old = entry[..^16].Concat(entry[^4..]).ToArray();
        BitConverter.GetBytes(1).CopyTo(old, 4);
        return old;
    }

    private float[] Scores(ITransformer model, IDataView data)
        => MLContext.Data.CreateEnumerable<Prediction>(model.Transform(data), reuseRowObject: false).Select(p => p.Score).ToArray();

    private RemBertBinaryClassificationTrainer Binary(LongTextStrategy strategy, int? epochs = null)
    {
        var options = TinyTraining.Options(new RemBertBinaryClassificationOptions());
        // The 8k vocabulary makes each keyword one piece, which the tiny model learns in a few epochs.
        options.Config = TinyTraining.Config(8000);
        options.Tokenizer = TestPaths.Fixture("sentencepiece", "unigram-8k.model");
        options.MaxSequenceLength = MaxSequenceLength;
        options.LongTextStrategy = strategy;
        options.Stride = 4;
        options.MaxWindows = 4;
        options.MaxEpochs = epochs ?? 8;
        options.LearningRate = 5e-3;
        return MLContext.BinaryClassification.Trainers.RemBert(options);
    }

    /// <summary>
    /// Rows of 14 filler words (more than a 16-token window holds besides [CLS] and [SEP]), then the keyword deciding the
    /// label ("weather": true, "music": false), then two more fillers.
    /// </summary>
    private static Row[] LateKeywordRows(int count, int seed)
    {
        string[] fillers = ["please", "now", "today", "for", "me", "the", "and", "then", "quickly", "tell", "about", "my"];
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(_ =>
        {
            bool label = random.Next(2) == 0;
            var words = Enumerable.Range(0, 14).Select(_ => fillers[random.Next(fillers.Length)])
                .Append(label ? "weather" : "music")
                .Concat(Enumerable.Range(0, 2).Select(_ => fillers[random.Next(fillers.Length)]));
            return new Row(string.Join(' ', words), label);
        }).ToArray();
    }

    private sealed record Row(string Sentence1, bool Label);

    private sealed class Prediction
    {
        public float Score { get; set; }
        public bool PredictedLabel { get; set; }
    }
}
