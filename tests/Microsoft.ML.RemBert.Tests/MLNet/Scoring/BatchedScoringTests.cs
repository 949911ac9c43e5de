using Xunit;
using static Microsoft.ML.RemBert.Tests.MLNet.Scoring.ScoringTestData;

namespace Microsoft.ML.RemBert.Tests.MLNet.Scoring;

/// <summary>Transform cursors batch rows, pad each batch to its own longest row, and give row-by-row results.</summary>
public sealed class BatchedScoringTests : MLNetFileTestBase
{
    private const int BatchSize = 4;
    // Batched and single-row matmuls may sum in another order; padding is masked exactly.
    private const float Tolerance = 1e-5f;

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(BatchSize - 1)]
    [InlineData(BatchSize)]
    [InlineData(BatchSize + 1)]
    [InlineData(2 * BatchSize + 1)]
    public void RowsOnAndAroundBatchBoundariesScoreAsAlone(int count)
    {
        var rows = Rows(count);
        using var transformer = new LogitsScoringTransformer(MLContext, CreateTask(), BatchSize);

        var scored = ReadScored(MLContext, transformer.Transform(MLContext.Data.LoadFromEnumerable(rows)));

        Assert.Equal(rows.Select(r => r.Text), scored.Select(r => r.Text));
        for (int i = 0; i < count; i++)
        {
            float[] alone = ScoreAlone(transformer.Task, rows[i].Text);
            Assert.Equal(alone.Length, scored[i].Logits.Length);
            for (int j = 0; j < alone.Length; j++)
                Assert.InRange(scored[i].Logits[j], alone[j] - Tolerance, alone[j] + Tolerance);
            Assert.Equal(scored[i].Logits.Max(), scored[i].Score);
        }
        // One forward pass per batch, each padded to its own longest row, never to MaxSequenceLength.
        var expectedBatches = rows.Chunk(BatchSize)
            .Select(batch => (batch.Length, batch.Max(row => transformer.Task.Encode(row.Text).InputIds.Length)))
            .ToArray();
        Assert.Equal(expectedBatches, transformer.Task.Batches.ToArray());
    }
}
