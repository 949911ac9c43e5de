using Microsoft.ML.RemBert.Pretraining;
using Microsoft.ML.RemBert.Tests.Infrastructure;
using Microsoft.ML.RemBert.Tests.MLNet.Trainers;
using Microsoft.ML.RemBert.Trainers;
using Xunit;

namespace Microsoft.ML.RemBert.Tests.Pretraining;

/// <summary>
/// Pretraining checkpoints and resume (issue 24, item 2) on the tiny model and corpus: a run stopped at a checkpoint
/// (mid-epoch or at an epoch's end) and resumed ends with the uninterrupted run's weights bit for bit and repeats its
/// losses; a time limit ends each sitting with a checkpoint the next one continues from; other settings are refused
/// by name; a damaged newest checkpoint falls back to the previous one with a warning; a cancelled write leaves the
/// previous checkpoint whole.
/// </summary>
[Collection(TrainingCollection.Name)] // resume restores libtorch's global generator
public sealed class PretrainingResumeTests : IDisposable
{
    private readonly TemporaryDirectory _work = new();
    private readonly string _corpus;

    public PretrainingResumeTests() => _corpus = TinyPretraining.WriteCorpus(_work.File("corpus.txt"));

    public void Dispose() => _work.Dispose();

    // Batches of 4 blocks: several steps per epoch, so checkpoints fall both mid-epoch and at an epoch's end.
    private static RemBertPretrainingOptions Options(List<RemBertTrainingProgress>? reports = null) => TinyPretraining.Options() with
    {
        BatchSize = 4,
        WeightDecay = 0.01,
        Progress = reports is null ? null : new SynchronousProgress(reports.Add),
    };

    private int StepsPerEpoch()
    {
        var corpus = PretrainingCorpus.Read(_corpus, TinyPretraining.Tokenizer(), Options().MaxLength, CancellationToken.None);
        return (corpus.Blocks.Count + Options().BatchSize - 1) / Options().BatchSize;
    }

    private RemBertPretrainingResult Pretrain(RemBertPretrainingOptions options) =>
        RemBertPretrainer.Pretrain(TinyPretraining.Tokenizer(), _corpus, TinyPretraining.Config(), options);

    private static Dictionary<string, float[]> Weights(RemBertPretrainingResult result) =>
        result.Model.state_dict().ToDictionary(pair => pair.Key, pair => pair.Value.detach().cpu().contiguous().data<float>().ToArray());

    private static void AssertBitIdentical(Dictionary<string, float[]> expected, Dictionary<string, float[]> actual)
    {
        Assert.Equal(expected.Keys.Order(), actual.Keys.Order());
        foreach (var (name, values) in expected)
            Assert.True(values.AsSpan().SequenceEqual(actual[name]), $"{name} differs from the uninterrupted run's");
    }

    private static string[] Entries(string directory) =>
        Directory.GetFileSystemEntries(directory).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray()!;

    [Fact]
    public void RunsResumedFromACheckpointEndWithTheUninterruptedRunsWeightsBitForBit()
    {
        int perEpoch = StepsPerEpoch();
        Assert.True(perEpoch >= 3, $"{perEpoch} steps per epoch: too few for a mid-epoch checkpoint");
        int total = 2 * perEpoch + 2;
        var reports = new List<RemBertTrainingProgress>();
        string run = _work.File("run");
        using var uninterrupted = Pretrain(Options(reports) with { MaxSteps = total, CheckpointDirectory = run, CheckpointSteps = 1, CheckpointsToKeep = 1000 });
        Assert.Equal(total, uninterrupted.Steps);
        Assert.Equal(Enumerable.Range(1, total).Select(step => $"checkpoint-{step}").Order(StringComparer.Ordinal), Entries(run));
        var expected = Weights(uninterrupted);

        // Mid-epoch 1, the end of epoch 1, mid-epoch 2; each resumed without writing checkpoints of its own.
        foreach (int step in new[] { 2, perEpoch, perEpoch + 1 })
        {
            var resumedReports = new List<RemBertTrainingProgress>();
            using var resumed = Pretrain(Options(resumedReports) with { MaxSteps = total, ResumeFrom = Path.Combine(run, $"checkpoint-{step}") });

            AssertBitIdentical(expected, Weights(resumed));
            Assert.Equal(total, resumed.Steps);
            Assert.Equal(PretrainingStop.MaxSteps, resumed.Stop);
            // Only the steps after the checkpoint ran, with the uninterrupted run's losses, learning rates and epochs.
            Assert.Equal(Enumerable.Range(step + 1, total - step), resumedReports.Select(report => report.Step));
            Assert.Equal(reports.Skip(step).Select(report => (report.Loss, report.LearningRate, report.Epoch, report.TotalSteps)),
                resumedReports.Select(report => (report.Loss, report.LearningRate, report.Epoch, report.TotalSteps)));
            Assert.Equal(uninterrupted.Losses.Skip(step), resumed.Losses);
        }
    }

    [Fact]
    public void ATimeLimitEndsEachSittingWithACheckpointAndTheSittingsAddUpToTheUninterruptedRun()
    {
        const int total = 9;
        using var uninterrupted = Pretrain(Options() with { MaxSteps = total });
        string checkpoints = _work.File("sittings");
        var steps = new List<int>();
        var sittings = 0;
        while (true)
        {
            Assert.True(++sittings <= 3 * total, $"{sittings} sittings and not done: a sitting made no progress");
            var reports = new List<RemBertTrainingProgress>();
            var options = Options() with
            {
                MaxSteps = total,
                CheckpointDirectory = checkpoints,
                CheckpointSteps = 1000, // never due: only the time limit writes checkpoints
                ResumeFrom = Directory.Exists(checkpoints) ? checkpoints : null,
                TimeLimit = TimeSpan.FromMilliseconds(400),
                // A step seems to take 250 ms: each sitting runs 2 steps (the third starts after the limit).
                Progress = new SynchronousProgress(report => { reports.Add(report); Thread.Sleep(250); }),
            };
            using var result = Pretrain(options);
            Assert.NotEmpty(reports);
            Assert.All(reports, report => Assert.Equal(total, report.TotalSteps)); // the schedule is --max-steps', whatever the sittings
            steps.AddRange(reports.Select(report => report.Step));
            Assert.Equal(steps.Count, result.Steps);
            if (result.Stop != PretrainingStop.TimeLimit)
            {
                Assert.Equal(PretrainingStop.MaxSteps, result.Stop);
                AssertBitIdentical(Weights(uninterrupted), Weights(result));
                break;
            }
            // The sitting ended with a checkpoint of its last step, which the next sitting starts from.
            Assert.True(Directory.Exists(Path.Combine(checkpoints, $"checkpoint-{result.Steps}")), $"no checkpoint of step {result.Steps}");
        }
        Assert.Equal(Enumerable.Range(1, total), steps);
        Assert.True(sittings >= 3, $"{sittings} sittings");
        Assert.Equal(2, Directory.GetDirectories(checkpoints).Length); // CheckpointsToKeep's default
    }

    [Fact]
    public void ACheckpointOfOtherSettingsIsRefusedNamingEachDifference()
    {
        string run = _work.File("run");
        using (Pretrain(Options() with { MaxSteps = 4, CheckpointDirectory = run, CheckpointSteps = 2 })) { }

        var error = Assert.Throws<ArgumentException>(() => Pretrain(Options() with { MaxSteps = 4, ResumeFrom = run, LearningRate = 1e-3, BatchSize = 8 }));
        Assert.Equal(nameof(RemBertPretrainingOptions.ResumeFrom), error.ParamName);
        Assert.Contains(Path.Combine(run, "checkpoint-4"), error.Message);
        Assert.Contains("LearningRate 0.003 in the checkpoint, 0.001 now", error.Message);
        Assert.Contains("BatchSize 4 in the checkpoint, 8 now", error.Message);
        Assert.DoesNotContain("Seed", error.Message);

        // The schedule (MaxSteps) and the corpus are part of it too; the time limit and checkpoint options are not.
        error = Assert.Throws<ArgumentException>(() => Pretrain(Options() with { MaxSteps = 6, ResumeFrom = run }));
        Assert.Contains("MaxSteps 4 in the checkpoint, 6 now", error.Message);
        File.AppendAllText(_corpus, "one more line of text\n");
        error = Assert.Throws<ArgumentException>(() => Pretrain(Options() with { MaxSteps = 4, ResumeFrom = run }));
        Assert.Contains("Corpus", error.Message);
    }

    [Fact]
    public void ADamagedNewestCheckpointFallsBackToThePreviousWithAWarning()
    {
        const int total = 8;
        string run = _work.File("run");
        using var uninterrupted = Pretrain(Options() with { MaxSteps = total, CheckpointDirectory = run, CheckpointSteps = 3, CheckpointsToKeep = 5 });
        Assert.Equal(["checkpoint-3", "checkpoint-6"], Entries(run));
        // A newer checkpoint whose optimizer file was cut short (a disk fault), and a partial one of a killed writer.
        string damaged = Path.Combine(run, "checkpoint-6", "optimizer.bin");
        File.WriteAllBytes(damaged, File.ReadAllBytes(damaged)[..100]);
        string partial = Path.Combine(run, $"checkpoint-7.rembert-partial-{ExitedProcessId()}-0123abcd");
        Directory.CreateDirectory(partial);

        var log = new List<string>();
        var reports = new List<RemBertTrainingProgress>();
        using var resumed = Pretrain(Options(reports) with { MaxSteps = total, ResumeFrom = run, CheckpointDirectory = run, CheckpointSteps = 3, CheckpointsToKeep = 5, Log = log.Add });

        AssertBitIdentical(Weights(uninterrupted), Weights(resumed));
        Assert.Equal(4, reports[0].Step); // from checkpoint-3
        Assert.Contains(log, line => line.StartsWith("warning: Skipping the damaged checkpoint", StringComparison.Ordinal) && line.Contains(damaged, StringComparison.Ordinal));
        Assert.Contains(log, line => line.StartsWith($"Resuming from {Path.Combine(run, "checkpoint-3")}: step 3", StringComparison.Ordinal));
        Assert.DoesNotContain(log, line => line.StartsWith("epoch ", StringComparison.Ordinal)); // step reports go to Progress only
        // The resumed run wrote checkpoint-6 afresh and removed the dead writer's partial directory.
        Assert.Equal(["checkpoint-3", "checkpoint-6"], Entries(run));
        Assert.Equal(new FileInfo(Path.Combine(run, "checkpoint-3", "optimizer.bin")).Length, new FileInfo(damaged).Length);

        // A damaged checkpoint named directly is an error naming the file, as is a directory without checkpoints.
        File.WriteAllBytes(damaged, [1, 2, 3]);
        var error = Assert.Throws<InvalidDataException>(() => Pretrain(Options() with { MaxSteps = total, ResumeFrom = Path.Combine(run, "checkpoint-6") }));
        Assert.Contains(damaged, error.Message);
        Directory.CreateDirectory(_work.File("empty"));
        error = Assert.Throws<InvalidDataException>(() => Pretrain(Options() with { MaxSteps = total, ResumeFrom = _work.File("empty") }));
        Assert.Contains($"{_work.File("empty")}: it holds no complete checkpoint", error.Message);
        var missing = Assert.Throws<DirectoryNotFoundException>(() => Pretrain(Options() with { ResumeFrom = _work.File("missing") }));
        Assert.Contains(_work.File("missing"), missing.Message);
    }

    [Fact]
    public void ACancellationDuringACheckpointWriteLeavesThePreviousCheckpointWhole()
    {
        string run = _work.File("run");
        using var cancel = new CancellationTokenSource();
        // Step 4's report comes just before its checkpoint is written: the write starts cancelled, as after a SIGTERM.
        var options = Options() with
        {
            MaxSteps = 8, CheckpointDirectory = run, CheckpointSteps = 2, CancellationToken = cancel.Token,
            Progress = new SynchronousProgress(report => { if (report.Step == 4) cancel.Cancel(); }),
        };
        Assert.ThrowsAny<OperationCanceledException>(() => Pretrain(options));
        Assert.Equal(["checkpoint-2"], Entries(run)); // no checkpoint-4, whole or partial

        using var uninterrupted = Pretrain(Options() with { MaxSteps = 8 });
        using var resumed = Pretrain(Options() with { MaxSteps = 8, ResumeFrom = run });
        AssertBitIdentical(Weights(uninterrupted), Weights(resumed));
    }

    [Fact]
    public void BadCheckpointOptionsAreNamed()
    {
        Assert.Equal(nameof(RemBertPretrainingOptions.CheckpointSteps),
            Assert.Throws<ArgumentOutOfRangeException>(() => (Options() with { CheckpointSteps = 0 }).Validate()).ParamName);
        Assert.Equal(nameof(RemBertPretrainingOptions.CheckpointsToKeep),
            Assert.Throws<ArgumentOutOfRangeException>(() => (Options() with { CheckpointsToKeep = 0 }).Validate()).ParamName);
        Assert.Equal(nameof(RemBertPretrainingOptions.ResumeFrom),
            Assert.Throws<ArgumentException>(() => (Options() with { ResumeFrom = " " }).Validate()).ParamName);
    }

    private static int ExitedProcessId()
    {
        using var process = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("true") { UseShellExecute = false })!;
        process.WaitForExit();
        return process.Id;
    }
}
