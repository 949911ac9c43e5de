using Microsoft.ML.Data;
using Microsoft.ML.RemBert.MLNet.Embeddings;
using Microsoft.ML.RemBert.Tests.MLNet.Apply;
using Microsoft.ML.RemBert.Tests.Onnx;
using Microsoft.ML.RemBert.Transforms;
using Microsoft.ML.Transforms.Onnx;
using Xunit;

namespace Microsoft.ML.RemBert.Tests.MLNet.Embeddings;

/// <summary>
/// <c>mlContext.Transforms.Text.RemBertEmbeddings</c>: every pooling equals the same pooling computed by hand from the
/// PyTorch reference's last_hidden_state of the tiny base checkpoint (expected.json), normalised or not; saved and
/// reloaded it gives identical vectors; ONNX export gives the zip's vectors.
/// </summary>
public sealed class RemBertEmbeddingsTests : MLNetFileTestBase
{
    private const float Tolerance = 1e-4f;

    // The reference rows that are single texts (the others are pairs, which one text column does not make).
    private static readonly int[] Rows = [0, 2, 4];

    public static TheoryData<RemBertPooling, bool> Poolings => new()
    {
        { RemBertPooling.Mean, true }, { RemBertPooling.Mean, false }, { RemBertPooling.Cls, true },
        { RemBertPooling.Cls, false }, { RemBertPooling.Max, true }, { RemBertPooling.Max, false },
    };

    [SkippableTheory]
    [MemberData(nameof(Poolings))]
    public void PoolingEqualsTheHandComputationFromTheReferenceHiddenStates(RemBertPooling pooling, bool normalize)
    {
        var reference = ReferenceOutputs.Load();
        var data = Texts(reference);
        using var model = MLContext.Transforms.Text.RemBertEmbeddings("Embedding", "Text",
            new RemBertEmbeddingsOptions { Model = ReferenceOutputs.Checkpoint("base"), Pooling = pooling, Normalize = normalize, InferenceBatchSize = 2 }).Fit(data);
        Assert.Equal(48, model.Dimension);

        var embeddings = model.Transform(data).GetColumn<float[]>("Embedding").ToArray();
        for (int i = 0; i < Rows.Length; i++)
            AssertClose(HandPooled(reference, Rows[i], pooling, normalize), embeddings[i], $"row {Rows[i]}, {pooling}");
    }

    [SkippableFact]
    public void SavedAndReloadedGivesIdenticalVectorsInAPipelineAndAPredictionEngine()
    {
        var reference = ReferenceOutputs.Load();
        var data = Texts(reference);
        var pipeline = MLContext.Transforms.Text.RemBertEmbeddings("Embedding", "Text", new RemBertEmbeddingsOptions { Model = ReferenceOutputs.Checkpoint("base") })
            .Append(MLContext.Transforms.CopyColumns("Features", "Embedding"));
        var model = pipeline.Fit(data);
        var expected = model.Transform(data).GetColumn<float[]>("Features").ToArray();

        string path = Path.Combine(TempDirectory, "embeddings.zip");
        MLContext.Model.Save(model, data.Schema, path);
        var loaded = MLContext.Model.Load(path, out _);
        Assert.Equal(expected, loaded.Transform(data).GetColumn<float[]>("Features").ToArray());
        var embeddings = Assert.IsType<RemBertEmbeddingsTransformer>(((TransformerChain<ITransformer>)loaded).First());
        Assert.Equal(RemBertPooling.Mean, embeddings.Pooling);
        Assert.True(embeddings.Normalize);

        using var engine = MLContext.Model.CreatePredictionEngine<TextRow, EmbeddingRow>(loaded);
        for (int i = 0; i < Rows.Length; i++)
            AssertClose(expected[i], engine.Predict(new TextRow { Text = reference.Text(Rows[i]).Text }).Embedding, $"row {Rows[i]} alone");
    }

    [SkippableFact]
    public void HeadCheckpointEmbedsWithItsEncoder()
    {
        // The fixtures' head checkpoints share the base checkpoint's encoder weights: same vectors, the head left out.
        var reference = ReferenceOutputs.Load();
        var data = Texts(reference);
        float[][] Embed(string fixture)
        {
            using var model = MLContext.Transforms.Text.RemBertEmbeddings("Embedding", "Text", new RemBertEmbeddingsOptions { Model = ReferenceOutputs.Checkpoint(fixture) }).Fit(data);
            return model.Transform(data).GetColumn<float[]>("Embedding").ToArray();
        }
        var fromBase = Embed("base");
        foreach (var fixture in new[] { "seqcls", "mlm" })
        {
            var fromHead = Embed(fixture);
            for (int i = 0; i < Rows.Length; i++)
                AssertClose(fromBase[i], fromHead[i], $"{fixture}, row {Rows[i]}");
        }
    }

    [Fact]
    public void DefaultModelIsTheEmbeddedOne()
    {
        var data = MLContext.Data.LoadFromEnumerable(new[] { new TextRow { Text = "Quel temps fera-t-il demain ?" }, new TextRow { Text = "Wake me up at seven" } });
        using var model = MLContext.Transforms.Text.RemBertEmbeddings("Embedding", "Text").Fit(data);
        Assert.Equal(256, model.Dimension);
        foreach (var embedding in model.Transform(data).GetColumn<float[]>("Embedding"))
        {
            Assert.Equal(256, embedding.Length);
            Assert.Equal(1.0, Math.Sqrt(embedding.Sum(v => (double)v * v)), 4);
        }
    }

    [Fact]
    public void MissingOrNonTextColumnIsNamed()
    {
        var data = MLContext.Data.LoadFromEnumerable(new[] { new TextRow { Text = "x" } });
        var missing = Assert.Throws<ArgumentOutOfRangeException>(() => MLContext.Transforms.Text.RemBertEmbeddings("Embedding", "Sentence").Fit(data));
        Assert.Contains("'Sentence'", missing.Message);
        var badPooling = Assert.Throws<ArgumentOutOfRangeException>(() => MLContext.Transforms.Text.RemBertEmbeddings("Embedding", "Text",
            new RemBertEmbeddingsOptions { Pooling = (RemBertPooling)7 }).Fit(data));
        Assert.Contains("Pooling", badPooling.Message);
    }

    [SkippableTheory]
    [InlineData(RemBertPooling.Mean)]
    [InlineData(RemBertPooling.Cls)]
    [InlineData(RemBertPooling.Max)]
    public void OnnxExportGivesTheZipsVectors(RemBertPooling pooling)
    {
        var reference = ReferenceOutputs.Load();
        var data = Texts(reference);
        using var model = MLContext.Transforms.Text.RemBertEmbeddings("Embedding", "Text",
            new RemBertEmbeddingsOptions { Model = ReferenceOutputs.Checkpoint("base"), Pooling = pooling }).Fit(data);
        var expected = model.Transform(data).GetColumn<float[]>("Embedding").ToArray();
        string onnx = Path.Combine(TempDirectory, "embeddings.onnx");
        using (var stream = File.Create(onnx))
            MLContext.Model.ConvertToOnnx(model, data, stream);

        MLContext.SetOnnxSessionOption(TextInputOnnxExportTests.ExtensionsSessionOptions());
        var applied = MLContext.Transforms.ApplyOnnxModel(onnx).Fit(data).Transform(data).GetColumn<float[]>("Embedding").ToArray();
        for (int i = 0; i < expected.Length; i++)
            AssertClose(expected[i], applied[i], $"row {Rows[i]}, {pooling}");
    }

    /// <summary>The pooling of the reference's last_hidden_state [seq, hidden] over the row's unpadded positions, in double.</summary>
    private static float[] HandPooled(ReferenceOutputs reference, int row, RemBertPooling pooling, bool normalize)
    {
        var hidden = reference.Row("last_hidden_state", row);
        int size = reference.Width("last_hidden_state"), length = reference.Length(row);
        var pooled = new double[size];
        for (int d = 0; d < size; d++)
        {
            var values = Enumerable.Range(0, length).Select(t => (double)hidden[t * size + d]).ToArray();
            pooled[d] = pooling switch { RemBertPooling.Cls => values[0], RemBertPooling.Max => values.Max(), _ => values.Average() };
        }
        double norm = normalize ? Math.Sqrt(pooled.Sum(v => v * v)) : 1;
        return pooled.Select(v => (float)(v / norm)).ToArray();
    }

    private IDataView Texts(ReferenceOutputs reference)
        => MLContext.Data.LoadFromEnumerable(Rows.Select(r => new TextRow { Text = reference.Text(r).Text }));

    private static void AssertClose(IReadOnlyList<float> expected, IReadOnlyList<float> actual, string what)
    {
        Assert.Equal(expected.Count, actual.Count);
        for (int i = 0; i < expected.Count; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= Tolerance, $"{what}, dimension {i}: expected {expected[i]}, got {actual[i]}");
    }

    private sealed class TextRow
    {
        public string Text { get; set; } = "";
    }

    private sealed class EmbeddingRow
    {
        public float[] Embedding { get; set; } = [];
    }
}
