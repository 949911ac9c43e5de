using System.Diagnostics;
using TorchSharp;
using Xunit;
using Xunit.Abstractions;
using static Microsoft.ML.RemBert.Tests.MLNet.Scoring.ScoringTestData;

namespace Microsoft.ML.RemBert.Tests.MLNet.Scoring;

/// <summary>Runs alone (no other test allocates meanwhile), so the process's memory is this test's: the scoring memory tests and the fuzz runs (Hostile/FuzzRun).</summary>
[CollectionDefinition(nameof(MemoryMeasurementCollection), DisableParallelization = true)]
public sealed class MemoryMeasurementCollection;

/// <summary>Single-row predictions do not leak tensors, native memory or managed memory.</summary>
[Collection(nameof(MemoryMeasurementCollection))]
public sealed class ScoringMemoryTests : MLNetFileTestBase
{
    private const int WarmUpPredictions = 1_000;
    private const int Predictions = 10_000;
    // Bounds on growth after warm-up. A leaked forward pass of this model keeps a few KB (every activation tensor),
    // so 10,000 leaks would be tens of MB; allocator noise (glibc arenas, GC heap tuning) stays well below these.
    private const long RssBoundBytes = 24L << 20;
    private const long ManagedBoundBytes = 2L << 20;

    private readonly ITestOutputHelper _output;

    public ScoringMemoryTests(ITestOutputHelper output) => _output = output;

    [Fact]

    [Trait("Category", "Slow")]
    public void TenThousandPredictionsStayAtTheWarmUpLevel()
    {
        var rows = Rows(50);
        using var transformer = new LogitsScoringTransformer(MLContext, CreateTask(layers: 1));
        using var engine = MLContext.Model.CreatePredictionEngine<TextRow, ScoredRow>(transformer, new PredictionEngineOptions { OwnsTransformer = false });
        var result = new ScoredRow();
        for (int i = 0; i < WarmUpPredictions; i++)
            engine.Predict(rows[i % rows.Length], ref result);
        var before = Measure();

        for (int i = 0; i < Predictions; i++)
            engine.Predict(rows[i % rows.Length], ref result);
        var after = Measure();

        _output.WriteLine($"live tensors {before.LiveTensors} -> {after.LiveTensors}; RSS {before.Rss >> 10} KiB -> {after.Rss >> 10} KiB; " +
            $"managed {before.Managed >> 10} KiB -> {after.Managed >> 10} KiB");
        Assert.Equal(before.LiveTensors, after.LiveTensors);
        Assert.InRange(after.Rss - before.Rss, long.MinValue, RssBoundBytes);
        Assert.InRange(after.Managed - before.Managed, long.MinValue, ManagedBoundBytes);
    }

    private static (long LiveTensors, long Rss, long Managed) Measure()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        using var process = Process.GetCurrentProcess();
        process.Refresh();
        return (DisposeScopeManager.Statistics.TensorStatistics.ThreadTotalLiveCount, process.WorkingSet64, GC.GetTotalMemory(forceFullCollection: true));
    }
}
