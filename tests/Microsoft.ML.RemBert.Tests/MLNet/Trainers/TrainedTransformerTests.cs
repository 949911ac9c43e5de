using System.IO.Compression;
using Microsoft.ML.RemBert.MLNet.Persistence;
using Microsoft.ML.RemBert.Trainers;
using Xunit;

namespace Microsoft.ML.RemBert.Tests.MLNet.Trainers;

/// <summary>A trained transformer in use: several threads at once, PredictionEngine, save/load in process, damaged zips.</summary>
[Collection(TrainingCollection.Name)]
public sealed class TrainedTransformerTests : MLNetFileTestBase, IDisposable
{
    private readonly IDataView _data;
    private readonly RemBertTextClassificationTransformer _model;

    public TrainedTransformerTests()
    {
        _data = TinyTraining.KeyedIntents(MLContext, 40, seed: 1);
        var options = TinyTraining.Multiclass();
        options.MaxEpochs = 1;
        options.InferenceBatchSize = 7;
        _model = MLContext.MulticlassClassification.Trainers.RemBert(options).Fit(_data);
    }

    private float[][] Scores(ITransformer model, IDataView data)
        => MLContext.Data.CreateEnumerable<Prediction>(model.Transform(data), reuseRowObject: false).Select(row => row.Score).ToArray();

    [Fact]
    public void OneTransformerServesSeveralThreadsAtOnce()
    {
        var expected = Scores(_model, _data);
        var rows = MLContext.Data.CreateEnumerable<Input>(_data, reuseRowObject: false).ToArray();
        var results = new float[6][][];
        Parallel.For(0, results.Length, new ParallelOptions { MaxDegreeOfParallelism = 6 }, thread =>
        {
            if (thread % 2 == 0)
            {
                results[thread] = Scores(_model, _data);
                return;
            }
            using var engine = MLContext.Model.CreatePredictionEngine<Input, Prediction>(_model, new PredictionEngineOptions { OwnsTransformer = false });
            results[thread] = rows.Select(row => engine.Predict(row).Score.ToArray()).ToArray();
        });
        foreach (var result in results)
        {
            Assert.Equal(expected.Length, result.Length);
            for (int i = 0; i < expected.Length; i++)
                Assert.Equal(expected[i], result[i], (a, b) => Math.Abs(a - b) < 1e-5); // one row alone vs in a padded batch
        }
    }

    [Fact]
    public void SavedAndLoadedInProcessGivesIdenticalScores()
    {
        string path = Path.Combine(TempDirectory, "model.zip");
        MLContext.Model.Save(_model, _data.Schema, path);
        var loaded = MLContext.Model.Load(path, out var schema);
        var typed = Assert.IsType<RemBertTextClassificationTransformer>(loaded);
        Assert.Equal(_model.LabelNames, typed.LabelNames);
        Assert.Equal(7, typed.InferenceBatchSize);
        Assert.Equal(Scores(_model, _data), Scores(loaded, _data));
        typed.Dispose();
    }

    [Fact]
    public void AnEntryWrittenByANewerFormatVersionIsNamed()
    {
        string path = SaveAndEdit(RemBertSequenceTaskEntry, bytes =>
        {
            BitConverter.GetBytes(99).CopyTo(bytes, 4); // the FormatVersion field, after the magic
            return bytes;
        });
        var error = Assert.ThrowsAny<Exception>(() => MLContext.Model.Load(path, out _));
        var format = FindFormatError(error);
        Assert.EndsWith(RemBertSequenceTaskEntry, format.EntryPath);
        Assert.Contains("format version 99 is not supported", format.Message);
    }

    [Fact]
    public void ATruncatedWeightsEntryIsNamed()
    {
        string path = SaveAndEdit("RemBertModel.bin", bytes => bytes[..(bytes.Length / 2)]);
        var error = Assert.ThrowsAny<Exception>(() => MLContext.Model.Load(path, out _));
        var format = FindFormatError(error);
        Assert.EndsWith("RemBertModel.bin", format.EntryPath);
        Assert.Contains("truncated", format.Message);
    }

    private const string RemBertSequenceTaskEntry = "RemBertSequenceTask.bin";

    private string SaveAndEdit(string entrySuffix, Func<byte[], byte[]> edit)
    {
        string path = Path.Combine(TempDirectory, "model.zip");
        MLContext.Model.Save(_model, _data.Schema, path);
        using (var zip = ZipFile.Open(path, ZipArchiveMode.Update))
        {
            var entry = zip.Entries.Single(e => e.FullName.EndsWith(entrySuffix, StringComparison.Ordinal));
            byte[] bytes;
            using (var stream = entry.Open())
            using (var copy = new MemoryStream())
            {
                stream.CopyTo(copy);
                bytes = copy.ToArray();
            }
            string name = entry.FullName;
            entry.Delete();
            using var replaced = zip.CreateEntry(name).Open();
            replaced.Write(edit(bytes));
        }
        return path;
    }

    private static RemBertModelFormatException FindFormatError(Exception error)
    {
        for (Exception? e = error; e is not null; e = e.InnerException)
            if (e is RemBertModelFormatException format)
                return format;
        throw new Xunit.Sdk.XunitException($"No RemBertModelFormatException in {error}");
    }

    public new void Dispose()
    {
        _model.Dispose();
        base.Dispose();
    }

    private sealed class Input
    {
        public string Sentence1 { get; set; } = "";
    }

    private sealed class Prediction
    {
        public float[] Score { get; set; } = [];
    }
}
