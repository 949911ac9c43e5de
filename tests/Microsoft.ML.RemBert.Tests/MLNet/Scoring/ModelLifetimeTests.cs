using System.Runtime.CompilerServices;
using Microsoft.ML.RemBert.Tests.Infrastructure;
using Microsoft.ML.RemBert.Tests.Samples;
using Xunit;
using Xunit.Abstractions;
using static Microsoft.ML.RemBert.Tests.MLNet.Scoring.ScoringTestData;

namespace Microsoft.ML.RemBert.Tests.MLNet.Scoring;

/// <summary>
/// Model lifetime under ML.NET's serving stack (docs/serving.md, "Model lifetime"): disposing a model while other
/// threads score never crashes, a pool of default PredictionEngines over one model simply works, and a model dropped
/// without Dispose frees its native memory. What could crash runs in a child process (TestData/Serving/ServingLifetimeProgram.cs).
/// </summary>
[Collection(nameof(MemoryMeasurementCollection))]
public sealed class ModelLifetimeTests(ServingModelFixture serving, ITestOutputHelper output) : MLNetFileTestBase, IClassFixture<ServingModelFixture>
{
    private const int Reloads = 50;
    private const int WarmUpReloads = 5;
    private const int PoolRuns = 10;

    [Trait("Category", "Slow")]
    [SkippableFact]
    public void PoolOfDefaultPredictionEnginesOverOneModelNeverFails()
    {
        var result = RunServingProgram("pool", PoolRuns);

        Assert.Equal(PoolRuns.ToString(), result["runs"]);
        Assert.Equal((PoolRuns * 8 * 50).ToString(), result["predictions"]);
        Assert.Equal("0", result["failures"]);
        Assert.Equal("0", result["mismatches"]);
        // The pool keeps 2 engines: every engine beyond 2 per run was disposed by the pool while the others scored.
        Assert.True(int.Parse(result["engines_created"]) > PoolRuns * 2 + 10, $"only {result["engines_created"]} engines were created: the pool disposed too few to test anything");
        // The model scored until the pool and then the model were disposed, and was freed by the last of those.
        Assert.Equal("scores->disposed", result["teardown"]);
    }

    [SkippableFact]
    public void DisposingTheModelWhileThreadsTransformLetsForwardsFinishThenRefusesWithAMessage()
    {
        var result = RunServingProgram("dispose-model");

        Assert.Equal("0", result["other_errors"]);
        Assert.Equal("0", result["mismatches"]);
        Assert.Equal("disposed", result["after"]);
        Assert.True(int.Parse(result["disposed_errors"]) > 0, "no thread scored after the Dispose: the test did not race anything");
        string message = result["disposed_message"];
        Assert.Contains("disposed by Program.DisposeWhileScoring", message);
        Assert.Contains("ownsTransformer: false", message);
    }

    [SkippableFact]
    public void DisposingTheModelAndAnEngineThatOwnsItLeavesTheOtherEnginesScoringAndTheLastEngineFreesIt()
    {
        var result = RunServingProgram("dispose-engine");

        Assert.Equal("0", result["other_errors"]);
        Assert.Equal("0", result["disposed_errors"]);
        Assert.Equal("0", result["mismatches"]);
        Assert.Equal((7 * 50 + 3).ToString(), result["succeeded"]);
        Assert.Equal("disposed", result["after"]);
        Assert.Contains("disposed by ", result["disposed_message"]);
    }

    [Trait("Category", "Slow")]
    [SkippableFact]
    public void ReloadingWithoutDisposeKeepsTheProcessMemoryFlat()
    {
        DefaultModelWeights.SkipIfMissing();
        var result = CSharpProgram.RunInChildProcess(ServingProgram, "ServingLifetime", ["reload", serving.ZipPath, Reloads.ToString()],
            TimeSpan.FromMinutes(10));
        Assert.True(result.ExitCode == 0, $"exit {result.ExitCode}\n{result.StandardOutput}\n{result.StandardError}");
        var rss = result.StandardOutput.Split('\n').Where(line => line.StartsWith("rss=", StringComparison.Ordinal))
            .Select(line => long.Parse(line["rss=".Length..])).ToArray();

        output.WriteLine("RSS MiB after each reload: " + string.Join(" ", rss.Select(value => value >> 20)));
        output.WriteLine("managed MiB after each reload: " + string.Join(" ", result.StandardOutput.Split('\n')
            .Where(line => line.StartsWith("managed=", StringComparison.Ordinal)).Select(line => long.Parse(line["managed=".Length..]) >> 20)));
        output.WriteLine($"RSS after reload 1: {rss[0] >> 20} MiB; max {rss.Max() >> 20} MiB; after reload {rss.Length}: {rss[^1] >> 20} MiB");
        Assert.Equal(Reloads, rss.Length);
        // Flat after a warm-up: the first reloads grow while malloc's per-thread arenas and libtorch's caches reach their
        // working set (with the 32,000-piece default, 204 MiB after the first and 213 after the fifth, then 228 at most
        // over 50). A model leaked per reload would add its weights (tens of MiB) every time: gigabytes over 50.
        long baseline = rss[WarmUpReloads - 1];
        Assert.All(rss, value => Assert.InRange(value, 0, baseline + baseline / 10));
    }

    [Fact]
    public void UseAfterDisposeNamesWhoDisposedTheModelAndHowToShareIt()
    {
        var transformer = new LogitsScoringTransformer(MLContext, CreateTask());
        var data = MLContext.Data.LoadFromEnumerable(Rows(3));
        Assert.Equal(3, ReadScored(MLContext, transformer.Transform(data)).Length);
        transformer.Dispose();

        var error = Assert.Throws<ObjectDisposedException>(() => ReadScored(MLContext, transformer.Transform(data)));
        Assert.Contains($"disposed by {typeof(ModelLifetimeTests).FullName}.{nameof(UseAfterDisposeNamesWhoDisposedTheModelAndHowToShareIt)} on thread", error.Message);
        Assert.Contains("ownsTransformer: false", error.Message);
        Assert.Equal(error.Message, Assert.Throws<ObjectDisposedException>(() => MLContext.Model.CreatePredictionEngine<TextRow, ScoredRow>(transformer)).Message);
    }

    [Fact]
    public void AnEngineThatOwnsTheModelLeavesItToTheOtherEnginesWhichFreeItWhenCollected()
    {
        var task = CreateTask();
        var parameters = task.Model.parameters().ToList();
        var transformer = new LogitsScoringTransformer(MLContext, task);

        ServeWithDefaultEngines(transformer, ScoreAlone(task, "hello"));
        GC.Collect();
        GC.WaitForPendingFinalizers();

        Assert.All(parameters, parameter => Assert.True(parameter.IsInvalid));
        var error = Assert.Throws<ObjectDisposedException>(() => ReadScored(MLContext, transformer.Transform(MLContext.Data.LoadFromEnumerable(Rows(1)))));
        Assert.Contains("(a PredictionEngine that owns its transformer)", error.Message);
    }

    // Not inlined: the engines are unreachable once it returns.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void ServeWithDefaultEngines(LogitsScoringTransformer transformer, float[] expected)
    {
        var other = MLContext.Model.CreatePredictionEngine<TextRow, ScoredRow>(transformer);
        MLContext.Model.CreatePredictionEngine<TextRow, ScoredRow>(transformer).Dispose(); // ML.NET's default: it disposes the transformer it owns
        Assert.Equal(expected, other.Predict(new TextRow("hello")).Logits);
        using (var third = MLContext.Model.CreatePredictionEngine<TextRow, ScoredRow>(transformer)) // new engines too
            Assert.Equal(expected, third.Predict(new TextRow("hello")).Logits);
        transformer.Dispose(); // the application's Dispose: the model lives on while an engine exists
        Assert.Equal(expected, other.Predict(new TextRow("hello")).Logits);
        other.Dispose();
    }

    [Fact]
    public void AnEngineThatDoesNotOwnTheModelKeepsItUntilCollected()
    {
        var parameters = DisposeWhileANonOwningEngineLives();
        Assert.All(parameters, parameter => Assert.False(parameter.IsInvalid));

        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        Assert.All(parameters, parameter => Assert.True(parameter.IsInvalid));
    }

    // Not inlined: the transformer and engine are unreachable once it returns; only the parameters are kept.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private List<TorchSharp.Modules.Parameter> DisposeWhileANonOwningEngineLives()
    {
        var task = CreateTask();
        var transformer = new LogitsScoringTransformer(MLContext, task);
        var engine = MLContext.Model.CreatePredictionEngine<TextRow, ScoredRow>(transformer, new PredictionEngineOptions { OwnsTransformer = false });
        engine.Predict(new TextRow("hello"));
        var view = transformer.Transform(MLContext.Data.LoadFromEnumerable(Rows(3)));
        transformer.Dispose(); // the application's release; the engine still holds the model
        engine.Predict(new TextRow("hello"));
        // Direct use of the disposed model is refused at once, with who disposed it and how to share a model, although
        // the engine keeps its memory alive: a new Transform, a new cursor of a view made before, a save.
        var error = Assert.Throws<ObjectDisposedException>(() => transformer.Transform(MLContext.Data.LoadFromEnumerable(Rows(3))));
        Assert.Contains($"disposed by {typeof(ModelLifetimeTests).FullName}.{nameof(DisposeWhileANonOwningEngineLives)} on thread", error.Message);
        Assert.Contains("can no longer be used directly", error.Message);
        Assert.Contains("ownsTransformer: false", error.Message);
        Assert.Equal(error.Message, Assert.Throws<ObjectDisposedException>(() => ReadScored(MLContext, view)).Message);
        Assert.Equal(error.Message, Assert.Throws<ObjectDisposedException>(() => MLContext.Model.Save(transformer, null, new MemoryStream())).Message);
        engine.Predict(new TextRow("hello"));
        engine.Dispose(); // does not reach the transformer: ML.NET leaves a transformer it does not own alone
        return task.Model.parameters().ToList();
    }

    [Fact]
    public void ALeaseInFlightDefersTheFreeUntilItIsReleased()
    {
        var task = CreateTask();
        var parameters = task.Model.parameters().ToList();
        var transformer = new LogitsScoringTransformer(MLContext, task);

        var lease = transformer.Lifetime.Acquire(); // what each forward pass holds
        transformer.Dispose();
        Assert.All(parameters, parameter => Assert.False(parameter.IsInvalid));
        Assert.Throws<ObjectDisposedException>(() => transformer.Lifetime.Acquire());
        lease.Dispose();

        Assert.All(parameters, parameter => Assert.True(parameter.IsInvalid));
    }

    [Fact]
    public void AModelDroppedWithoutDisposeIsFreedWhenCollected()
    {
        var parameters = CreateAndDrop();
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();

        Assert.NotEmpty(parameters);
        Assert.All(parameters, parameter => Assert.True(parameter.IsInvalid));
    }

    // Not inlined: the transformer and engine must be unreachable once it returns; only the parameters are kept.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private List<TorchSharp.Modules.Parameter> CreateAndDrop()
    {
        var task = CreateTask();
        var transformer = new LogitsScoringTransformer(MLContext, task);
        var engine = MLContext.Model.CreatePredictionEngine<TextRow, ScoredRow>(transformer);
        engine.Predict(new TextRow("hello"));
        return task.Model.parameters().ToList();
    }

    private static string ServingProgram => File.ReadAllText(TestPaths.TestData("Serving", "ServingLifetimeProgram.cs"));

    /// <summary>Runs the serving program in <paramref name="mode"/> on the intent zip; fails on a crash; returns its key=value lines.</summary>
    private Dictionary<string, string> RunServingProgram(string mode, int count = 1)
    {
        DefaultModelWeights.SkipIfMissing();
        var result = CSharpProgram.RunInChildProcess(ServingProgram, "ServingLifetime", [mode, serving.ZipPath, count.ToString()], TimeSpan.FromMinutes(10));
        output.WriteLine(result.StandardOutput);
        Assert.True(result.ExitCode == 0, $"exit {result.ExitCode} (139: segmentation fault)\n{result.StandardOutput}\n{result.StandardError}");
        return result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split('=', 2))
            .GroupBy(pair => pair[0])
            .ToDictionary(group => group.Key, group => group.First().Length > 1 ? group.First()[1].TrimEnd('\r') : "");
    }
}
