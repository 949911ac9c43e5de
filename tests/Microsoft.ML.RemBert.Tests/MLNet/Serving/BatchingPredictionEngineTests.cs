using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.ML.RemBert.Modeling;
using Microsoft.ML.RemBert.Serving;
using Microsoft.ML.RemBert.Tests.MLNet.Trainers;
using Microsoft.ML.RemBert.Tests.MLNet.Trainers.MultipleChoice;
using Microsoft.ML.RemBert.Tests.MLNet.Trainers.NamedEntities;
using Microsoft.ML.RemBert.Tests.MLNet.Trainers.QuestionAnswering;
using Microsoft.ML.RemBert.Trainers;
using TorchSharp;
using Xunit;

namespace Microsoft.ML.RemBert.Tests.MLNet.Serving;

/// <summary>
/// The batching prediction engine over tiny models of every task (trained one epoch: what they learn does not matter):
/// its answers equal PredictionEngine's in batches of exactly 1, 7 and 32; a bad row fails only its own request; the
/// queue bound, cancellation and disposal behave as documented.
/// </summary>
[Collection(TrainingCollection.Name)]
public sealed class BatchingPredictionEngineTests : MLNetFileTestBase
{
    private const float Tolerance = 1e-5f;

    // A long MaxDelay makes every batch exactly MaxBatchSize rows when a multiple of it is queued at once (with several
    // loops too: each waits until MaxBatchSize requests are queued).
    private static RemBertBatchingOptions Exactly(int batchSize, ConcurrentQueue<int> sizes, int concurrentBatches = 1) => new()
    {
        MaxBatchSize = batchSize,
        MaxDelay = TimeSpan.FromSeconds(30),
        ConcurrentBatches = concurrentBatches,
        BatchScored = (size, _) => sizes.Enqueue(size),
    };

    /// <summary>
    /// Scores <paramref name="rows"/> alone with PredictionEngine, then through the batching engine in batches of exactly
    /// 1, 7 and 32 with one loop, and of 1 and 7 with two loops scoring at once.
    /// </summary>
    private async Task AssertBatchesEqualPredictionEngine<TInput, TOutput>(ITransformer model, TInput[] rows, Action<TOutput, TOutput> assertSame)
        where TInput : class
        where TOutput : class, new()
    {
        Assert.True(rows.Length >= 32);
        using var engine = MLContext.Model.CreatePredictionEngine<TInput, TOutput>(model, new PredictionEngineOptions { OwnsTransformer = false });
        var expected = rows.Select(engine.Predict).ToArray();
        foreach (var (batchSize, count, concurrentBatches) in new[] { (1, 5, 1), (7, 28, 1), (32, 32, 1), (1, 6, 2), (7, 28, 2) })
        {
            var sizes = new ConcurrentQueue<int>();
            var batching = MLContext.Model.CreateBatchingPredictionEngine<TInput, TOutput>(model, Exactly(batchSize, sizes, concurrentBatches));
            await using (batching)
            {
                var tasks = rows.Take(count).Select(row => batching.PredictAsync(row)).ToArray();
                var actual = await Task.WhenAll(tasks).WaitAsync(TimeSpan.FromMinutes(2));
                for (int i = 0; i < count; i++)
                    assertSame(expected[i], actual[i]);
            }
            Assert.Equal(Enumerable.Repeat(batchSize, count / batchSize), sizes);
        }
    }

    /// <summary>The exception <paramref name="call"/> throws before returning its task (not one the task holds).</summary>
    private static T ThrowsAtOnce<T>(Func<Task> call) where T : Exception
    {
        try
        {
            call();
        }
        catch (T error)
        {
            return error;
        }
        throw new Xunit.Sdk.XunitException($"No {typeof(T).Name} was thrown before the task was returned.");
    }

    private static void AssertClose(float[] expected, float[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            Assert.Equal(expected[i], actual[i], Tolerance);
    }

    private ITransformer TrainIntents()
    {
        var options = TinyTraining.Multiclass();
        options.MaxEpochs = 1;
        return MLContext.Transforms.Conversion.MapValueToKey("Label")
            .Append(MLContext.MulticlassClassification.Trainers.RemBert(options))
            .Append(MLContext.Transforms.Conversion.MapKeyToValue("PredictedLabel"))
            .Fit(MLContext.Data.LoadFromEnumerable(KeywordData.IntentRows(48, seed: 1)));
    }

    [Fact]
    public async Task TextClassificationChainEqualsPredictionEngine()
    {
        var model = TrainIntents();
        await AssertBatchesEqualPredictionEngine<KeywordData.IntentRow, LabelPrediction>(model, KeywordData.IntentRows(32, seed: 2), (expected, actual) =>
        {
            Assert.Equal(expected.PredictedLabel, actual.PredictedLabel);
            AssertClose(expected.Score, actual.Score);
        });
        (model as IDisposable)?.Dispose();
    }

    [Fact]
    public async Task BinaryClassificationEqualsPredictionEngine()
    {
        static BinaryRow[] Rows(int count, int seed) => KeywordData.IntentRows(count, seed).Select(row => new BinaryRow(row.Sentence1, row.Label == "weather")).ToArray();
        var options = TinyTraining.Options(new RemBertBinaryClassificationOptions());
        options.MaxEpochs = 1;
        using var model = MLContext.BinaryClassification.Trainers.RemBert(options).Fit(MLContext.Data.LoadFromEnumerable(Rows(48, seed: 1)));
        await AssertBatchesEqualPredictionEngine<BinaryRow, BinaryPrediction>(model, Rows(32, seed: 2), (expected, actual) =>
        {
            Assert.Equal(expected.Score, actual.Score, Tolerance);
            Assert.Equal(expected.Probability, actual.Probability, Tolerance);
            Assert.Equal(expected.PredictedLabel, actual.PredictedLabel);
        });
    }

    [Fact]
    public async Task PairRegressionEqualsPredictionEngine()
    {
        var options = TinyTraining.Options(new RemBertRegressionOptions { Sentence2ColumnName = "Sentence2" });
        options.MaxEpochs = 1;
        using var model = MLContext.Regression.Trainers.RemBert(options).Fit(MLContext.Data.LoadFromEnumerable(KeywordData.PairRows(48, seed: 1)));
        await AssertBatchesEqualPredictionEngine<KeywordData.PairRow, RegressionPrediction>(model, KeywordData.PairRows(32, seed: 2),
            (expected, actual) => Assert.Equal(expected.Score, actual.Score, Tolerance));
    }

    [Fact]
    public async Task NamedEntityChainEqualsPredictionEngine()
    {
        var options = TinyTraining.Options(new RemBertNamedEntityRecognitionOptions());
        options.MaxEpochs = 1;
        options.Stride = 4;
        var model = MLContext.Transforms.Conversion.MapValueToKey("Label", "Tags")
            .Append(MLContext.MulticlassClassification.Trainers.RemBertNamedEntityRecognition(options))
            .Append(MLContext.Transforms.Conversion.MapKeyToValue("PredictedTags", "PredictedLabel"))
            .Fit(MLContext.Data.LoadFromEnumerable(NamedEntityData.SpacedRows(48, seed: 1)));
        // Long rows need several windows each: every window of every row of a batch goes into its forward pass.
        var rows = NamedEntityData.SpacedRows(24, seed: 2).Concat(NamedEntityData.LongRows(8, sentences: 4, seed: 3)).ToArray();
        await AssertBatchesEqualPredictionEngine<NamedEntityData.Row, TagPrediction>(model, rows, (expected, actual) =>
        {
            Assert.Equal(expected.PredictedTags, actual.PredictedTags);
            AssertClose(expected.Score, actual.Score);
        });
        (model as IDisposable)?.Dispose();
    }

    private RemBertQuestionAnsweringTransformer TrainAnswers()
    {
        var options = QuestionAnsweringBadInputTests.Tiny();
        options.MaxEpochs = 1;
        return MLContext.MulticlassClassification.Trainers.RemBertQuestionAnswer(options).Fit(MLContext.Data.LoadFromEnumerable(AnswerData.Rows(16, seed: 1, sentences: 5)));
    }

    [Fact]
    public async Task QuestionAnsweringEqualsPredictionEngine()
    {
        using var model = TrainAnswers();
        await AssertBatchesEqualPredictionEngine<AnswerData.AnswerRow, AnswerPrediction>(model, AnswerData.Rows(32, seed: 2, sentences: 5), (expected, actual) =>
        {
            Assert.Equal(expected.Answer, actual.Answer);
            Assert.Equal(expected.AnswerStart, actual.AnswerStart);
            AssertClose(expected.Score, actual.Score);
        });
    }

    [Fact]
    public async Task MultipleChoiceEqualsPredictionEngine()
    {
        var options = TinyTraining.Options(new RemBertMultipleChoiceOptions());
        options.MaxEpochs = 1;
        using var model = MLContext.MulticlassClassification.Trainers.RemBertMultipleChoice(options).Fit(MLContext.Data.LoadFromEnumerable(ChoiceData.Rows(24, seed: 1)));
        await AssertBatchesEqualPredictionEngine<ChoiceData.ChoiceRow, ChoicePrediction>(model, ChoiceData.Rows(32, seed: 2), (expected, actual) =>
        {
            Assert.Equal(expected.PredictedLabel, actual.PredictedLabel);
            AssertClose(expected.Score, actual.Score);
        });
    }

    [Fact]
    public async Task ABadRowFailsOnlyItsOwnRequest()
    {
        using var model = TrainAnswers();
        var rows = AnswerData.Rows(7, seed: 2, sentences: 5);
        rows[3] = rows[3] with { Context = "" };
        using var engine = MLContext.Model.CreatePredictionEngine<AnswerData.AnswerRow, AnswerPrediction>(model, new PredictionEngineOptions { OwnsTransformer = false });
        var sizes = new ConcurrentQueue<int>();
        await using var batching = MLContext.Model.CreateBatchingPredictionEngine<AnswerData.AnswerRow, AnswerPrediction>(model, Exactly(7, sizes));

        var tasks = rows.Select(row => batching.PredictAsync(row)).ToArray();
        var error = await Assert.ThrowsAnyAsync<Exception>(() => tasks[3]);
        while (error.InnerException is not null && !error.Message.Contains("empty context")) error = error.InnerException;
        Assert.Contains("has an empty context in column 'Context'", error.Message);
        for (int i = 0; i < rows.Length; i++)
        {
            if (i == 3) continue;
            var expected = engine.Predict(rows[i]);
            var actual = await tasks[i];
            Assert.Equal(expected.Answer, actual.Answer);
            AssertClose(expected.Score, actual.Score);
        }
        Assert.Equal([7], sizes);
    }

    [Fact]
    public async Task ConcurrentCallersFromManyThreadsGetTheirOwnRows()
    {
        var model = TrainIntents();
        var rows = KeywordData.IntentRows(96, seed: 5);
        using var engine = MLContext.Model.CreatePredictionEngine<KeywordData.IntentRow, LabelPrediction>(model, new PredictionEngineOptions { OwnsTransformer = false });
        var expected = rows.Select(engine.Predict).ToArray();
        var sizes = new ConcurrentQueue<int>();
        var batching = MLContext.Model.CreateBatchingPredictionEngine<KeywordData.IntentRow, LabelPrediction>(model,
            new RemBertBatchingOptions { MaxBatchSize = 16, BatchScored = (size, _) => sizes.Enqueue(size) });
        await using (batching)
        {
            var actual = await Task.WhenAll(Enumerable.Range(0, 8).Select(client => Task.Run(async () =>
            {
                var answers = new List<(int, LabelPrediction)>();
                for (int i = client; i < rows.Length; i += 8)
                    answers.Add((i, await batching.PredictAsync(rows[i])));
                return answers;
            }))).WaitAsync(TimeSpan.FromMinutes(2));
            foreach (var (i, answer) in actual.SelectMany(answers => answers))
            {
                Assert.Equal(expected[i].PredictedLabel, answer.PredictedLabel);
                AssertClose(expected[i].Score, answer.Score);
            }
        }
        Assert.Equal(rows.Length, sizes.Sum());
        Assert.All(sizes, size => Assert.InRange(size, 1, 16));
        (model as IDisposable)?.Dispose();
    }

    [Fact]
    public async Task ALoneCallerWaitsForCompanyOnceThenIsScoredAtOnceUntilRequestsOverlapAgain()
    {
        var model = TrainIntents();
        var rows = KeywordData.IntentRows(8, seed: 8);
        var sizes = new ConcurrentQueue<int>();
        var maxDelay = TimeSpan.FromSeconds(3);
        // Two loops: a lone caller must not wait with several loops either; with more loops than 2, the 3 requests that
        // overlap below could be shared out one per free loop.
        var batching = MLContext.Model.CreateBatchingPredictionEngine<KeywordData.IntentRow, LabelPrediction>(model,
            new RemBertBatchingOptions { MaxBatchSize = 8, MaxDelay = maxDelay, ConcurrentBatches = 2, BatchScored = (size, _) => sizes.Enqueue(size) });
        await using (batching)
        {
            var clock = Stopwatch.StartNew();
            await batching.PredictAsync(rows[0]).WaitAsync(TimeSpan.FromMinutes(1));
            // Nobody else arrives: the wait ends after a quarter of MaxDelay without arrivals, not MaxDelay.
            Assert.True(clock.Elapsed >= maxDelay / 4 * 0.9, $"the first request took {clock.Elapsed}: it should have waited for company");
            Assert.True(clock.Elapsed < maxDelay * 0.9, $"the first request took {clock.Elapsed}: it waited MaxDelay ({maxDelay}) although nobody arrived");

            // One caller, one request at a time: the wait brought nobody, so the next requests do not wait.
            clock.Restart();
            for (int i = 1; i < 4; i++)
                await batching.PredictAsync(rows[i]).WaitAsync(TimeSpan.FromMinutes(1));
            Assert.True(clock.Elapsed < maxDelay, $"3 lone requests took {clock.Elapsed}: each waited for company again (MaxDelay {maxDelay})");

            // Requests that overlap batch again.
            await Task.WhenAll(rows.Skip(4).Select(row => batching.PredictAsync(row))).WaitAsync(TimeSpan.FromMinutes(1));
        }
        Assert.Equal([1, 1, 1, 1], sizes.Take(4));
        Assert.Equal(4, sizes.Skip(4).Sum());
        Assert.True(sizes.Skip(4).Max() > 1, $"the overlapping requests were scored one by one: {string.Join(", ", sizes)}");
        (model as IDisposable)?.Dispose();
    }

    [Fact]
    public async Task BeyondMaxQueueLengthPredictAsyncThrowsAtOnceAndDisposeFinishesTheQueue()
    {
        var model = TrainIntents();
        var rows = KeywordData.IntentRows(3, seed: 6);
        var sizes = new ConcurrentQueue<int>();
        var batching = MLContext.Model.CreateBatchingPredictionEngine<KeywordData.IntentRow, LabelPrediction>(model,
            new RemBertBatchingOptions { MaxBatchSize = 10, MaxDelay = TimeSpan.FromSeconds(30), MaxQueueLength = 2, BatchScored = (size, _) => sizes.Enqueue(size) });
        var first = batching.PredictAsync(rows[0]);
        var second = batching.PredictAsync(rows[1]);

        var overloaded = ThrowsAtOnce<RemBertOverloadedException>(() => batching.PredictAsync(rows[2]));
        Assert.Contains("2 requests already wait (MaxQueueLength)", overloaded.Message);
        Assert.Equal(2, batching.QueueLength);
        Assert.False(first.IsCompleted);

        await batching.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromMinutes(1));
        Assert.True(first.IsCompletedSuccessfully && second.IsCompletedSuccessfully);
        Assert.Equal([2], sizes);
        ThrowsAtOnce<ObjectDisposedException>(() => batching.PredictAsync(rows[0]));
        await batching.DisposeAsync(); // idempotent
        (model as IDisposable)?.Dispose();
    }

    [Fact]
    public async Task SeveralLoopsScoreBatchesAtOnceEachOnItsShareOfTheIntraOpThreads()
    {
        var model = TrainIntents();
        var rows = KeywordData.IntentRows(2, seed: 9);
        int inherited = OnFreshThread(torch.get_num_threads);

        // Each row's text is first read on the loop that scores it, and waits there for the other row's loop: with two
        // loops both reads meet; with one, the first read gives up and the rows are scored one after the other.
        async Task<bool[]> ReadsMeet(int concurrentBatches, TimeSpan patience, ConcurrentQueue<int> loopThreads)
        {
            using var gate = new Barrier(2);
            var met = new ConcurrentQueue<bool>();
            var batching = MLContext.Model.CreateBatchingPredictionEngine<GatedRow, LabelPrediction>(model, new RemBertBatchingOptions
            {
                MaxBatchSize = 1,
                ConcurrentBatches = concurrentBatches,
                BatchScored = (_, _) => loopThreads.Enqueue(torch.get_num_threads()), // called on the loop
            });
            await using (batching)
            {
                await Task.WhenAll(rows.Select(row => batching.PredictAsync(new GatedRow(row, () => met.Enqueue(gate.SignalAndWait(patience))))))
                    .WaitAsync(TimeSpan.FromMinutes(2));
            }
            return met.ToArray();
        }

        var twoLoopThreads = new ConcurrentQueue<int>();
        var twoLoops = await ReadsMeet(2, TimeSpan.FromSeconds(60), twoLoopThreads);
        var oneLoop = await ReadsMeet(1, TimeSpan.FromMilliseconds(300), new ConcurrentQueue<int>());
        Assert.Equal(new[] { true, true }, twoLoops);
        Assert.Equal(new[] { false, false }, oneLoop);

        // Two loops split the threads a thread of this process gets; threads that start using libtorch later still get them all.
        Assert.Equal(new[] { Math.Max(1, inherited / 2), Math.Max(1, inherited / 2) }, twoLoopThreads);
        Assert.Equal(inherited, OnFreshThread(torch.get_num_threads));
        (model as IDisposable)?.Dispose();
    }

    [Fact]
    public async Task ABatchIsReadAndScoredOnItsLoopsOwnThread()
    {
        // ML.NET's MapValueToKey/MapKeyToValue around the trainer would split a plain cursor over threads of their own,
        // which start with the process's libtorch thread count rather than the loop's share (SingleCursorView).
        var model = TrainIntents();
        var rows = KeywordData.IntentRows(8, seed: 12);
        var readOn = new ConcurrentBag<int>();
        var loops = new ConcurrentBag<int>();
        var batching = MLContext.Model.CreateBatchingPredictionEngine<GatedRow, LabelPrediction>(model, new RemBertBatchingOptions
        {
            MaxBatchSize = 4,
            MaxDelay = TimeSpan.FromSeconds(30),
            ConcurrentBatches = 2,
            BatchScored = (_, _) => loops.Add(Environment.CurrentManagedThreadId),
        });
        await using (batching)
        {
            await Task.WhenAll(rows.Select(row => batching.PredictAsync(new GatedRow(row, () => readOn.Add(Environment.CurrentManagedThreadId)))))
                .WaitAsync(TimeSpan.FromMinutes(1));
        }
        Assert.Equal(2, loops.Count);
        Assert.Equal(8, readOn.Count);
        Assert.All(readOn, thread => Assert.Contains(thread, loops));
        (model as IDisposable)?.Dispose();
    }

    [Fact]
    public async Task RequestsGatheredBelowMaxBatchSizeAreSharedOutToTheFreeLoops()
    {
        var model = TrainIntents();
        var rows = KeywordData.IntentRows(16, seed: 11);
        var sizes = new ConcurrentQueue<int>();
        // 16 requests queued at once, fewer than MaxBatchSize: when the wait for company ends, the loop that waited takes
        // half and the other free loop the rest at once (one loop taking all 16 would leave the other idle).
        var batching = MLContext.Model.CreateBatchingPredictionEngine<KeywordData.IntentRow, LabelPrediction>(model,
            new RemBertBatchingOptions { MaxBatchSize = 32, MaxDelay = TimeSpan.FromMilliseconds(500), ConcurrentBatches = 2, BatchScored = (size, _) => sizes.Enqueue(size) });
        await using (batching)
            await Task.WhenAll(rows.Select(row => batching.PredictAsync(row))).WaitAsync(TimeSpan.FromMinutes(1));
        // Usually [8, 8]; on a loaded machine the second loop may wake after the first scored its 8 and took half the rest.
        Assert.Equal(16, sizes.Sum());
        Assert.Equal(8, sizes.Max());
        (model as IDisposable)?.Dispose();
    }

    [Fact]
    public void ALoneBatchOfAWideModelTakesEveryThreadOnlyThatLoopsOwn()
    {
        // google/rembert's width gets the threads when alone; the embedded default's and BERT-small's stay on their share.
        Assert.True(RemBertBatchingPredictionEngine<KeywordData.IntentRow, LabelPrediction>.AloneTakesAllThreads(RemBertConfig.GoogleRemBert()));
        Assert.True(RemBertBatchingPredictionEngine<KeywordData.IntentRow, LabelPrediction>.AloneTakesAllThreads(new RemBertConfig { HiddenSize = 768, IntermediateSize = 3072, NumAttentionHeads = 12 }));
        Assert.False(RemBertBatchingPredictionEngine<KeywordData.IntentRow, LabelPrediction>.AloneTakesAllThreads(new RemBertConfig { HiddenSize = 512, IntermediateSize = 2048, NumAttentionHeads = 8 }));
        Assert.False(RemBertBatchingPredictionEngine<KeywordData.IntentRow, LabelPrediction>.AloneTakesAllThreads(new RemBertConfig { HiddenSize = 256, IntermediateSize = 1024, NumAttentionHeads = 4 }));

        // The switch acts on the calling thread only, and leaves the process default (what a new thread starts with) alone.
        int inherited = OnFreshThread(torch.get_num_threads);
        var (before, after, set) = OnFreshThread(() =>
        {
            int first = torch.get_num_threads();
            bool done = IntraOpThreads.TrySetForThisThread(first + 1);
            return (first, torch.get_num_threads(), done);
        });
        Assert.True(set, "libtorch's OpenMP and oneMKL setters were not found");
        Assert.Equal(inherited, before);
        Assert.Equal(inherited + 1, after);
        Assert.Equal(inherited, OnFreshThread(torch.get_num_threads));
        Assert.Equal(inherited, torch.get_num_threads());
    }

    private static T OnFreshThread<T>(Func<T> read)
    {
        T value = default!;
        var thread = new Thread(() => value = read());
        thread.Start();
        thread.Join();
        return value;
    }

    [Fact]
    public async Task DisposeWithSeveralLoopsScoresEverythingQueuedThenRefuses()
    {
        var model = TrainIntents();
        var rows = KeywordData.IntentRows(7, seed: 10);
        var sizes = new ConcurrentQueue<int>();
        // Three loops take a full batch of 2 each at once; the seventh request waits for company (30 s) until disposal.
        var batching = MLContext.Model.CreateBatchingPredictionEngine<KeywordData.IntentRow, LabelPrediction>(model, Exactly(2, sizes, concurrentBatches: 3));
        var tasks = rows.Select(row => batching.PredictAsync(row)).ToArray();
        var clock = Stopwatch.StartNew();
        while (sizes.Count < 3 && clock.Elapsed < TimeSpan.FromMinutes(1))
            await Task.Delay(10);
        Assert.Equal(new[] { 2, 2, 2 }, sizes);
        Assert.Equal(1, batching.QueueLength);
        Assert.False(tasks[6].IsCompleted);

        await batching.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromMinutes(1));
        Assert.All(tasks, task => Assert.True(task.IsCompletedSuccessfully));
        Assert.Equal(new[] { 2, 2, 2, 1 }, sizes);
        ThrowsAtOnce<ObjectDisposedException>(() => batching.PredictAsync(rows[0]));
        (model as IDisposable)?.Dispose();
    }

    [Fact]
    public async Task ACancelledQueuedRequestLeavesTheQueue()
    {
        var model = TrainIntents();
        var rows = KeywordData.IntentRows(3, seed: 7);
        var sizes = new ConcurrentQueue<int>();
        var batching = MLContext.Model.CreateBatchingPredictionEngine<KeywordData.IntentRow, LabelPrediction>(model,
            new RemBertBatchingOptions { MaxBatchSize = 10, MaxDelay = TimeSpan.FromSeconds(30), BatchScored = (size, _) => sizes.Enqueue(size) });
        using var cancellation = new CancellationTokenSource();
        var kept = batching.PredictAsync(rows[0]);
        var cancelled = batching.PredictAsync(rows[1], cancellation.Token);
        var alsoKept = batching.PredictAsync(rows[2]);
        Assert.Equal(3, batching.QueueLength);

        cancellation.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);
        Assert.Equal(2, batching.QueueLength);
        Assert.True(batching.PredictAsync(rows[0], cancellation.Token).IsCanceled);

        await batching.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromMinutes(1));
        Assert.True(kept.IsCompletedSuccessfully && alsoKept.IsCompletedSuccessfully);
        Assert.Equal([2], sizes);
        (model as IDisposable)?.Dispose();
    }

    [Fact]
    public void BadOptionsAndAModelWithoutRemBertAreNamed()
    {
        var plain = MLContext.Transforms.Conversion.MapValueToKey("Label").Fit(MLContext.Data.LoadFromEnumerable(KeywordData.IntentRows(8, seed: 1)));
        var noRemBert = Assert.Throws<ArgumentException>(() => MLContext.Model.CreateBatchingPredictionEngine<KeywordData.IntentRow, LabelPrediction>(plain, new RemBertBatchingOptions()));
        Assert.Contains("contains no RemBERT transformer", noRemBert.Message);

        var size = Assert.Throws<ArgumentOutOfRangeException>(() => MLContext.Model.CreateBatchingPredictionEngine<KeywordData.IntentRow, LabelPrediction>(plain, new RemBertBatchingOptions { MaxBatchSize = 0 }));
        Assert.Contains("MaxBatchSize must be at least 1, not 0", size.Message);
        var delay = Assert.Throws<ArgumentOutOfRangeException>(() => MLContext.Model.CreateBatchingPredictionEngine<KeywordData.IntentRow, LabelPrediction>(plain, new RemBertBatchingOptions { MaxDelay = TimeSpan.FromMilliseconds(-1) }));
        Assert.Contains("MaxDelay must be between 0 and 1 minute", delay.Message);
        var queue = Assert.Throws<ArgumentOutOfRangeException>(() => MLContext.Model.CreateBatchingPredictionEngine<KeywordData.IntentRow, LabelPrediction>(plain, new RemBertBatchingOptions { MaxQueueLength = 0 }));
        Assert.Contains("MaxQueueLength must be at least 1, not 0", queue.Message);
        foreach (int concurrentBatches in new[] { 0, -1 })
        {
            var loops = Assert.Throws<ArgumentOutOfRangeException>(() => MLContext.Model.CreateBatchingPredictionEngine<KeywordData.IntentRow, LabelPrediction>(plain, new RemBertBatchingOptions { ConcurrentBatches = concurrentBatches }));
            Assert.Equal("ConcurrentBatches", loops.ParamName);
            Assert.Contains($"ConcurrentBatches must be between 1 and 256, not {concurrentBatches}", loops.Message);
        }
    }

    [Fact]
    public async Task AnInputTypeWithoutTheModelsColumnIsNamedAtCreation()
    {
        var model = TrainIntents();
        var error = Assert.ThrowsAny<Exception>(() => MLContext.Model.CreateBatchingPredictionEngine<WrongInput, LabelPrediction>(model, new RemBertBatchingOptions()));
        Assert.Contains("Sentence1", error.Message);
        await Task.CompletedTask;
        (model as IDisposable)?.Dispose();
    }

    private sealed record BinaryRow(string Sentence1, bool Label);

    /// <summary>An intent row that calls <c>firstRead</c> when its text is read the first time (on the loop that scores it).</summary>
    private sealed class GatedRow(KeywordData.IntentRow row, Action firstRead)
    {
        private int _read;

        public string Label { get; set; } = row.Label;

        public string Sentence1
        {
            get
            {
                if (Interlocked.Exchange(ref _read, 1) == 0)
                    firstRead();
                return row.Sentence1;
            }
            set => throw new NotSupportedException();
        }
    }

    private sealed class WrongInput
    {
        public string Label { get; set; } = "";
        public string Text { get; set; } = "";
    }

    private sealed class LabelPrediction
    {
        public string PredictedLabel { get; set; } = "";
        public float[] Score { get; set; } = [];
    }

    private sealed class BinaryPrediction
    {
        public float Score { get; set; }
        public float Probability { get; set; }
        public bool PredictedLabel { get; set; }
    }

    private sealed class RegressionPrediction
    {
        public float Score { get; set; }
    }

    private sealed class TagPrediction
    {
        public string[] PredictedTags { get; set; } = [];
        public float[] Score { get; set; } = [];
    }

    private sealed class AnswerPrediction
    {
        public string[] Answer { get; set; } = [];
        public float[] Score { get; set; } = [];
        public int[] AnswerStart { get; set; } = [];
    }

    private sealed class ChoicePrediction
    {
        public uint PredictedLabel { get; set; }
        public float[] Score { get; set; } = [];
    }
}
