using Microsoft.ML.Data;
using Xunit;
using static Microsoft.ML.RemBert.Tests.MLNet.Scoring.ScoringTestData;

namespace Microsoft.ML.RemBert.Tests.MLNet.Scoring;

/// <summary>The scoring base inside ML.NET: PredictionEngine, chains, Preview, evaluation, column subsets, errors.</summary>
public sealed class ScoringPipelineTests : MLNetFileTestBase
{
    private const float Tolerance = 1e-5f;

    [Fact]
    public void PredictionEngineScoresEachRowAloneAsTransformDoes()
    {
        var rows = Rows(6);
        using var transformer = new LogitsScoringTransformer(MLContext, CreateTask(), inferenceBatchSize: 4);
        var batched = ReadScored(MLContext, transformer.Transform(MLContext.Data.LoadFromEnumerable(rows)));
        int batchesBefore = transformer.Task.Batches.Count;

        using var engine = MLContext.Model.CreatePredictionEngine<TextRow, ScoredRow>(transformer);
        var predicted = rows.Select(row => engine.Predict(row)).ToArray();

        for (int i = 0; i < rows.Length; i++)
            AssertClose(batched[i].Logits, predicted[i].Logits);
        // One forward pass per prediction, each of one row, however many output columns are read.
        Assert.Equal(rows.Select(row => (1, transformer.Task.Encode(row.Text).InputIds.Length)),
            transformer.Task.Batches.Skip(batchesBefore));
    }

    [Fact]
    public void ChainPreviewAndEvaluationWorkThroughTheTransformer()
    {
        var rows = Rows(7).Select((row, i) => new LabelledRow(row.Text, i % 3)).ToArray();
        var data = MLContext.Data.LoadFromEnumerable(rows);
        var task = CreateTask();
        var estimator = MLContext.Transforms.CopyColumns("Copy", nameof(LabelledRow.Text))
            .Append(new ReadyTransformerEstimator<LogitsScoringTransformer>(MLContext, new LogitsScoringTransformer(MLContext, task, 3)));
        var shape = estimator.GetOutputSchema(SchemaShape.Create(data.Schema));
        var chain = estimator.Fit(data);

        var scored = chain.Transform(data);
        var preview = scored.Preview();
        var metrics = MLContext.Regression.Evaluate(scored, labelColumnName: nameof(LabelledRow.Label), scoreColumnName: LogitsScoringTask.ScoreColumnName);

        Assert.Equal(rows.Length, preview.RowView.Length);
        var logits = (VBuffer<float>)preview.RowView[0].Values.Single(pair => pair.Key == LogitsScoringTask.LogitsColumnName).Value;
        AssertClose(ScoreAlone(task, rows[0].Text), logits.DenseValues().ToArray());
        double expectedMae = rows.Average(row => Math.Abs(row.Label - ScoreAlone(task, row.Text).Max()));
        Assert.Equal(expectedMae, metrics.MeanAbsoluteError, 4);
        var slotNames = default(VBuffer<ReadOnlyMemory<char>>);
        scored.Schema[LogitsScoringTask.LogitsColumnName].GetSlotNames(ref slotNames);
        Assert.Equal(["L0", "L1", "L2"], slotNames.DenseValues().Select(name => name.ToString()));
        Assert.True(shape.TryFindColumn(LogitsScoringTask.LogitsColumnName, out var logitsShape));
        Assert.Equal(SchemaShape.Column.VectorKind.Vector, logitsShape.Kind);
        Assert.Equal(NumberDataViewType.Single, logitsShape.ItemType);
        Assert.Contains(logitsShape.Annotations, annotation => annotation.Name == AnnotationUtils.Kinds.SlotNames);
        Assert.True(shape.TryFindColumn(LogitsScoringTask.ScoreColumnName, out var scoreShape));
        Assert.Equal(SchemaShape.Column.VectorKind.Scalar, scoreShape.Kind);
    }

    [Fact]
    public void ACursorOverInputColumnsOnlyRunsNoForwardPass()
    {
        using var transformer = new LogitsScoringTransformer(MLContext, CreateTask(), inferenceBatchSize: 2);
        var scored = transformer.Transform(MLContext.Data.LoadFromEnumerable(Rows(5)));

        using (var cursor = scored.GetRowCursor([scored.Schema[nameof(TextRow.Text)]]))
        {
            while (cursor.MoveNext())
            {
            }
            Assert.False(cursor.IsColumnActive(scored.Schema[LogitsScoringTask.ScoreColumnName]));
        }
        Assert.Empty(transformer.Task.Batches);

        // Only an output column, reading every other row: skipped rows are never scored.
        using (var cursor = scored.GetRowCursor([scored.Schema[LogitsScoringTask.ScoreColumnName]]))
        {
            var score = cursor.GetGetter<float>(scored.Schema[LogitsScoringTask.ScoreColumnName]);
            float value = 0;
            while (cursor.MoveNext())
            {
                if (cursor.Position % 2 == 0)
                    score(ref value);
            }
        }
        // Rows 0-1, 2-3, 4: every batch starts at a row whose output was read.
        Assert.Equal([2, 2, 1], transformer.Task.Batches.Select(batch => batch.Rows));
    }

    [Fact]
    public void AShuffledCursorScoresEachRowItself()
    {
        var rows = Rows(9);
        using var transformer = new LogitsScoringTransformer(MLContext, CreateTask(), inferenceBatchSize: 4);
        var shufflable = MLContext.Data.Cache(MLContext.Data.LoadFromEnumerable(rows));
        var scored = transformer.Transform(shufflable);
        var text = scored.Schema[nameof(TextRow.Text)];
        var logitsColumn = scored.Schema[LogitsScoringTask.LogitsColumnName];

        var order = new List<string>();
        using (var cursor = scored.GetRowCursor([text, logitsColumn], new Random(5)))
        {
            var textGetter = cursor.GetGetter<ReadOnlyMemory<char>>(text);
            var logitsGetter = cursor.GetGetter<VBuffer<float>>(logitsColumn);
            ReadOnlyMemory<char> value = default;
            VBuffer<float> logits = default;
            while (cursor.MoveNext())
            {
                textGetter(ref value);
                logitsGetter(ref logits);
                order.Add(value.ToString());
                AssertClose(ScoreAlone(transformer.Task, value.ToString()), logits.DenseValues().ToArray());
            }
        }

        Assert.NotEqual(rows.Select(row => row.Text), order);
        Assert.Equal(rows.Select(row => row.Text).Order(), order.Order());
    }

    [Fact]
    public void AMissingOrMistypedInputColumnIsNamed()
    {
        using var transformer = new LogitsScoringTransformer(MLContext, CreateTask());

        var missing = Assert.ThrowsAny<ArgumentException>(() => transformer.Transform(MLContext.Data.LoadFromEnumerable(new[] { new { Other = "x" } })));
        var mistyped = Assert.ThrowsAny<ArgumentException>(() => transformer.GetOutputSchema(MLContext.Data.LoadFromEnumerable(new[] { new { Text = 1f } }).Schema));

        Assert.Contains("'Text'", missing.Message);
        Assert.Contains("'Text'", mistyped.Message);
        Assert.Contains("String", mistyped.Message);
    }

    [Fact]
    public void DisposeFreesTheModelsTensorsAndTheTransformerRefusesToScore()
    {
        var task = CreateTask();
        var transformer = new LogitsScoringTransformer(MLContext, task);
        var parameters = task.Model.parameters().ToList();
        transformer.Dispose();
        transformer.Dispose();

        Assert.All(parameters, parameter => Assert.True(parameter.IsInvalid));
        Assert.Throws<ObjectDisposedException>(() => transformer.Transform(MLContext.Data.LoadFromEnumerable(Rows(1))));
    }

    private static void AssertClose(float[] expected, float[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int j = 0; j < expected.Length; j++)
            Assert.InRange(actual[j], expected[j] - Tolerance, expected[j] + Tolerance);
    }

    public sealed record LabelledRow(string Text, float Label);
}
