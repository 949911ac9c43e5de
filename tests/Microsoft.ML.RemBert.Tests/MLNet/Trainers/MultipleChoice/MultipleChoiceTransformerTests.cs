using System.IO.Compression;
using Microsoft.ML.Data;
using Microsoft.ML.RemBert.MLNet.Persistence;
using Microsoft.ML.RemBert.Trainers;
using Xunit;

namespace Microsoft.ML.RemBert.Tests.MLNet.Trainers.MultipleChoice;

/// <summary>
/// A trained multiple-choice transformer (tiny model, integer labels): its columns as ML.NET's evaluator reads them,
/// batched scoring equal to one row at a time, and save/load in process.
/// </summary>
[Collection(TrainingCollection.Name)]
public sealed class MultipleChoiceTransformerTests : MLNetFileTestBase
{
    // Rows of very different lengths (one long enough to be truncated), so batches are padded and truncation is exercised.
    private static ChoiceData.ChoiceRow[] MixedRows(int count, int seed) => ChoiceData.Rows(count, seed).Select((row, i) =>
    {
        if (i % 5 == 1)
            row.Choices[i % 4] += string.Concat(Enumerable.Repeat(" and then some more words", i % 3 == 0 ? 20 : 2));
        return row;
    }).ToArray();

    private RemBertMultipleChoiceTransformer Train(IDataView data, int inferenceBatchSize)
    {
        var options = TinyTraining.Options(new RemBertMultipleChoiceOptions { InferenceBatchSize = inferenceBatchSize });
        options.MaxEpochs = 1;
        return MLContext.MulticlassClassification.Trainers.RemBertMultipleChoice(options).Fit(data);
    }

    private Prediction[] Predict(ITransformer model, IDataView data)
        => MLContext.Data.CreateEnumerable<Prediction>(model.Transform(data), reuseRowObject: false).ToArray();

    [Fact]
    public void AnIntegerLabelGivesAKeyOfTheChoiceCountAndEvaluateWorks()
    {
        var rows = ChoiceData.Rows(24, seed: 5).Select(row => new IntLabelRow(row.Prompt, row.Choices, (int)row.Label)).ToArray();
        var data = MLContext.Data.LoadFromEnumerable(rows);
        var trainer = MLContext.MulticlassClassification.Trainers.RemBertMultipleChoice(TinyTraining.Options(new RemBertMultipleChoiceOptions()));
        var shape = trainer.GetOutputSchema(SchemaShape.Create(data.Schema));
        Assert.True(shape.TryFindColumn("PredictedLabel", out var predictedShape) && predictedShape.IsKey);
        Assert.True(shape.TryFindColumn("Score", out var scoreShape) && scoreShape.Kind == SchemaShape.Column.VectorKind.Vector);

        using var model = trainer.Fit(data);
        var scored = model.Transform(data);

        Assert.Equal([0, 1, 2, 3], model.ChoiceOfClass);
        Assert.Equal(new KeyDataViewType(typeof(uint), 4), scored.Schema["PredictedLabel"].Type);
        Assert.Equal(new VectorDataViewType(NumberDataViewType.Single, 4), scored.Schema["Score"].Type);
        var keyValues = default(VBuffer<uint>);
        scored.Schema["PredictedLabel"].GetKeyValues(ref keyValues);
        Assert.Equal([0u, 1u, 2u, 3u], keyValues.DenseValues());
        var predictions = MLContext.Data.CreateEnumerable<Prediction>(scored, reuseRowObject: false).ToArray();
        Assert.All(predictions, row => Assert.Equal((uint)Array.IndexOf(row.Score, row.Score.Max()) + 1, row.PredictedLabel));

        // Evaluate needs a key label: the integer label mapped to keys of the same count, in choice order.
        var keyed = MLContext.Transforms.Conversion.MapValueToKey("Label", keyOrdinality: Microsoft.ML.Transforms.ValueToKeyMappingEstimator.KeyOrdinality.ByValue)
            .Fit(scored).Transform(scored);
        var metrics = MLContext.MulticlassClassification.Evaluate(keyed);
        double right = predictions.Zip(rows).Count(pair => pair.First.PredictedLabel - 1 == pair.Second.Label) / (double)rows.Length;
        Assert.Equal(right, metrics.MicroAccuracy, 9);
    }

    [Fact]
    public void BatchesOfOneAndOfThirtyTwoAndPredictionEngineAgree()
    {
        var rows = MixedRows(40, seed: 6);
        var data = MLContext.Data.LoadFromEnumerable(rows);
        using var one = Train(data, inferenceBatchSize: 1);
        using var many = Train(data, inferenceBatchSize: 32);
        Assert.Equal(1, one.InferenceBatchSize);

        var byOne = Predict(one, data);
        var byMany = Predict(many, data);
        using var engine = MLContext.Model.CreatePredictionEngine<ChoiceData.ChoiceRow, Prediction>(many, new PredictionEngineOptions { OwnsTransformer = false });
        var alone = rows.Select(row => engine.Predict(row)).ToArray();

        Assert.Equal(rows.Length, byMany.Length);
        for (int i = 0; i < rows.Length; i++)
        {
            // Same seed, same data: the same weights; only the padding of the batch differs.
            Assert.Equal(byOne[i].Score, byMany[i].Score, (a, b) => Math.Abs(a - b) < 1e-5);
            Assert.Equal(alone[i].Score, byMany[i].Score, (a, b) => Math.Abs(a - b) < 1e-5);
            Assert.Equal(byOne[i].PredictedLabel, byMany[i].PredictedLabel);
        }
    }

    [Fact]
    public void SavedAndLoadedInProcessGivesIdenticalScores()
    {
        var data = MLContext.Transforms.Conversion.MapValueToKey("Label").Fit(MLContext.Data.LoadFromEnumerable(ChoiceData.Rows(24, seed: 7)))
            .Transform(MLContext.Data.LoadFromEnumerable(ChoiceData.Rows(24, seed: 7)));
        using var model = Train(data, inferenceBatchSize: 5);
        string path = Path.Combine(TempDirectory, "model.zip");
        MLContext.Model.Save(model, data.Schema, path);

        using var loaded = Assert.IsType<RemBertMultipleChoiceTransformer>(MLContext.Model.Load(path, out _));

        Assert.Equal(model.ChoiceOfClass, loaded.ChoiceOfClass);
        Assert.Equal(5, loaded.InferenceBatchSize);
        var expected = Predict(model, data);
        var actual = Predict(loaded, data);
        Assert.Equal(expected.Select(row => row.Score), actual.Select(row => row.Score));
        Assert.Equal(expected.Select(row => row.PredictedLabel), actual.Select(row => row.PredictedLabel));
    }

    [Fact]
    public void ClassesThatAreNotAPermutationOfTheChoicesAreNamedWithTheEntry()
    {
        var data = MLContext.Data.LoadFromEnumerable(ChoiceData.Rows(12, seed: 8));
        using var model = Train(data, inferenceBatchSize: 4);
        string path = Path.Combine(TempDirectory, "model.zip");
        MLContext.Model.Save(model, data.Schema, path);
        using (var zip = ZipFile.Open(path, ZipArchiveMode.Update))
        {
            var entry = zip.Entries.Single(e => e.FullName.EndsWith("RemBertMultipleChoiceTask.bin", StringComparison.Ordinal));
            byte[] bytes;
            using (var stream = entry.Open())
            using (var copy = new MemoryStream())
            {
                stream.CopyTo(copy);
                bytes = copy.ToArray();
            }
            // The last int32 of the body (before the 4-byte end marker) is the choice of the last class: make it a duplicate.
            BitConverter.GetBytes(0).CopyTo(bytes, bytes.Length - 8);
            string name = entry.FullName;
            entry.Delete();
            using var replaced = zip.CreateEntry(name).Open();
            replaced.Write(bytes);
        }

        var error = Assert.ThrowsAny<Exception>(() => MLContext.Model.Load(path, out _));

        RemBertModelFormatException? format = null;
        for (Exception? e = error; e is not null && format is null; e = e.InnerException)
            format = e as RemBertModelFormatException;
        Assert.NotNull(format);
        Assert.EndsWith("RemBertMultipleChoiceTask.bin", format.EntryPath);
        Assert.Contains("the classes map to the choices [0, 1, 2, 0], not to 0..3 each once", format.Message);
    }

    private sealed record IntLabelRow(string Prompt, string[] Choices, int Label);

    private sealed class Prediction
    {
        public uint PredictedLabel { get; set; }
        public float[] Score { get; set; } = [];
    }
}
