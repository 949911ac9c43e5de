using System.Diagnostics;
using Microsoft.ML.RemBert.Tests.MLNet.Trainers;
using Microsoft.ML.RemBert.Trainers;
using Xunit;

namespace Microsoft.ML.RemBert.Tests.MLNet.Training;

/// <summary>
/// Checkpoints and resume (issue 21, part 4) on a very small model with dropout: a run resumed from a checkpoint
/// (mid-epoch, at an epoch's end, with best weights and early-stopping state) ends with the weights of the run that
/// was never interrupted, bit for bit, and repeats its losses step for step; a checkpoint of other options is refused
/// naming each difference; a partial or damaged checkpoint leaves the previous one usable.
/// </summary>
[Collection(TrainingCollection.Name)]
public sealed class CheckpointResumeTests : MLNetFileTestBase
{
    private const int Rows = 48; // 6 batches of 8 per epoch, 2 epochs: 12 steps

    private RemBertTextClassificationOptions Options(string checkpoints, List<RemBertTrainingProgress>? reports = null)
    {
        var options = TinyTraining.Multiclass();
        options.WarmupRatio = 0.2;
        options.WeightDecay = 0.01;
        options.CheckpointDirectory = checkpoints;
        options.CheckpointSteps = 3;
        options.CheckpointsToKeep = 10;
        if (reports is not null)
            options.Progress = new SynchronousProgress(reports.Add);
        return options;
    }

    private RemBertTextClassificationTransformer Train(RemBertTextClassificationOptions options)
        => MLContext.MulticlassClassification.Trainers.RemBert(options).Fit(TinyTraining.KeyedIntents(MLContext, Rows, seed: 1));

    private static Dictionary<string, float[]> Weights(RemBertTextClassificationTransformer model)
        => model.Model.state_dict().ToDictionary(pair => pair.Key, pair => pair.Value.detach().cpu().contiguous().data<float>().ToArray());

    private static void AssertBitIdentical(Dictionary<string, float[]> expected, Dictionary<string, float[]> actual)
    {
        Assert.Equal(expected.Keys.Order(), actual.Keys.Order());
        foreach (var (name, values) in expected)
            Assert.True(values.AsSpan().SequenceEqual(actual[name]), $"{name} differs from the uninterrupted run's");
    }

    private string Dir(string name) => Path.Combine(TempDirectory, name);

    // A directory holding only the given checkpoint of a run: what a run killed right after writing it leaves.
    private string OnlyCheckpoint(string run, int step, string name)
    {
        string target = Dir(name);
        CopyDirectory(Path.Combine(run, $"checkpoint-{step}"), Path.Combine(target, $"checkpoint-{step}"));
        return target;
    }

    private static void CopyDirectory(string source, string target)
    {
        Directory.CreateDirectory(target);
        foreach (var file in Directory.EnumerateFiles(source))
            File.Copy(file, Path.Combine(target, Path.GetFileName(file)));
    }

    [Fact]
    public void ResumedRunsEndWithTheUninterruptedRunsWeightsBitForBit()
    {
        var reports = new List<RemBertTrainingProgress>();
        string run = Dir("run");
        using var uninterrupted = Train(Options(run, reports));
        var expected = Weights(uninterrupted);
        Assert.Equal(["checkpoint-12", "checkpoint-3", "checkpoint-6", "checkpoint-9"], Directory.GetFileSystemEntries(run).Select(Path.GetFileName).Order(StringComparer.Ordinal));

        // Step 3: mid-epoch 1; step 6: the end of epoch 1; step 9: mid-epoch 2.
        foreach (int step in new[] { 3, 6, 9 })
        {
            var resumedReports = new List<RemBertTrainingProgress>();
            var options = Options(OnlyCheckpoint(run, step, $"resume-{step}"), resumedReports);
            options.ResumeFromCheckpoint = true;
            using var resumed = Train(options);

            AssertBitIdentical(expected, Weights(resumed));
            // It did resume: only the steps after the checkpoint ran, with the uninterrupted run's losses and learning rates.
            Assert.Equal(Enumerable.Range(step + 1, 12 - step), resumedReports.Select(report => report.Step));
            Assert.Equal(reports.Skip(step).Select(report => (report.Loss, report.LearningRate, report.Epoch)),
                resumedReports.Select(report => (report.Loss, report.LearningRate, report.Epoch)));
        }
    }

    [Fact]
    public void ResumeCarriesTheBestWeightsMetricAndEarlyStoppingCounter()
    {
        var validation = TinyTraining.KeyedIntents(MLContext, 24, seed: 2);
        RemBertTextClassificationOptions WithValidation(string directory, List<RemBertTrainingProgress> reports)
        {
            var options = Options(directory, reports);
            options.MaxEpochs = 3;
            options.LearningRate = 3e-3;
            options.ValidationSet = validation;
            options.EvaluationStrategy = EvaluationStrategy.Steps;
            options.EvaluationSteps = 2;
            options.BestModelMetric = "LogLoss";
            options.EarlyStoppingPatience = 4;
            return options;
        }
        var reports = new List<RemBertTrainingProgress>();
        using var uninterrupted = Train(WithValidation(Dir("run"), reports));
        var validations = reports.Where(report => report.ValidationMetric is not null).ToList();
        Assert.All(validations, report => Assert.Equal("LogLoss", report.ValidationMetricName));
        Assert.True(validations.Count >= 5, $"{validations.Count} validations");

        var resumedReports = new List<RemBertTrainingProgress>();
        var resumedOptions = WithValidation(OnlyCheckpoint(Dir("run"), 9, "resume"), resumedReports);
        resumedOptions.ResumeFromCheckpoint = true;
        using var resumed = Train(resumedOptions);

        AssertBitIdentical(Weights(uninterrupted), Weights(resumed));
        Assert.Equal(validations.Where(report => report.Step > 9).Select(report => (report.Step, report.ValidationMetric)),
            resumedReports.Where(report => report.ValidationMetric is not null).Select(report => (report.Step, report.ValidationMetric)));
        Assert.Equal(reports.Max(report => report.Step), resumedReports.Max(report => report.Step)); // early stopping at the same step, if at all
    }

    [Fact]
    public void ACheckpointWrittenAtTheValidationThatStoppedTheRunResumesIntoTheSameStop()
    {
        RemBertTextClassificationOptions Stopping(string directory, List<RemBertTrainingProgress> reports)
        {
            var options = Options(directory, reports);
            options.LearningRate = 1e-12; // the weights barely move: accuracy cannot improve after the first validation
            options.ValidationSet = TinyTraining.KeyedIntents(MLContext, 16, seed: 2);
            options.EvaluationStrategy = EvaluationStrategy.Steps;
            options.EvaluationSteps = 3;
            options.EarlyStoppingPatience = 2;
            return options;
        }
        var reports = new List<RemBertTrainingProgress>();
        using var uninterrupted = Train(Stopping(Dir("run"), reports));
        Assert.Equal([3, 6, 9], reports.Where(report => report.ValidationMetric is not null).Select(report => report.Step));
        Assert.Equal(9, reports.Max(report => report.Step)); // stopped at step 9, where checkpoint-9 was written after the validation

        var resumedReports = new List<RemBertTrainingProgress>();
        var options = Stopping(OnlyCheckpoint(Dir("run"), 9, "resume"), resumedReports);
        options.ResumeFromCheckpoint = true;
        using var resumed = Train(options);

        Assert.Empty(resumedReports); // no step and no validation after the stop
        AssertBitIdentical(Weights(uninterrupted), Weights(resumed)); // the best (step 3) weights, from best.bin
    }

    [Fact]
    public void ACheckpointOfOtherOptionsIsRefusedNamingEachDifference()
    {
        using (Train(Options(Dir("run")))) { }
        var options = Options(Dir("run"));
        options.ResumeFromCheckpoint = true;
        options.BatchSize = 4;
        options.Seed = 8;

        var error = Assert.Throws<ArgumentException>(() => Train(options));

        Assert.Equal(nameof(RemBertTrainerOptions.ResumeFromCheckpoint), error.ParamName);
        Assert.Contains("checkpoint-12", error.Message);
        Assert.Contains("BatchSize 8 in the checkpoint, 4 now", error.Message);
        Assert.Contains("Seed 7 in the checkpoint, 8 now", error.Message);
        Assert.DoesNotContain("LearningRate", error.Message);

        // Other training data (the same options) is refused too.
        var sameOptions = Options(Dir("run"));
        sameOptions.ResumeFromCheckpoint = true;
        var dataError = Assert.Throws<ArgumentException>(() =>
            MLContext.MulticlassClassification.Trainers.RemBert(sameOptions).Fit(TinyTraining.KeyedIntents(MLContext, Rows, seed: 3)));
        Assert.Contains("TrainingData", dataError.Message);
    }

    [Fact]
    public void APartialCheckpointOfAKilledWriterAndADamagedOneLeaveThePreviousUsable()
    {
        string run = Dir("run");
        using var uninterrupted = Train(Options(run));
        var expected = Weights(uninterrupted);

        string directory = OnlyCheckpoint(run, 6, "crashed");
        // A writer killed mid-write leaves its partial directory (checkpoint-9, half of model.bin written) ...
        int deadPid = ExitedProcessId();
        string partial = Path.Combine(directory, $"checkpoint-9.rembert-partial-{deadPid}-0123abcd");
        Directory.CreateDirectory(partial);
        var model = File.ReadAllBytes(Path.Combine(run, "checkpoint-9", "model.bin"));
        File.WriteAllBytes(Path.Combine(partial, "model.bin"), model[..(model.Length / 2)]);
        // ... and a newer checkpoint whose weights file was cut short (a disk fault) is skipped with a warning.
        CopyDirectory(Path.Combine(run, "checkpoint-12"), Path.Combine(directory, "checkpoint-12"));
        File.WriteAllBytes(Path.Combine(directory, "checkpoint-12", "optimizer.bin"), [1, 2, 3]);
        var log = new List<string>();
        MLContext.Log += (_, e) => { lock (log) log.Add(e.Message); };

        var reports = new List<RemBertTrainingProgress>();
        var options = Options(directory, reports);
        options.ResumeFromCheckpoint = true;
        using var resumed = Train(options);

        AssertBitIdentical(expected, Weights(resumed));
        Assert.Equal(7, reports[0].Step); // resumed from checkpoint-6
        Assert.Contains(log, line => line.Contains("Skipping the damaged checkpoint", StringComparison.Ordinal) && line.Contains("checkpoint-12", StringComparison.Ordinal));
        Assert.False(Directory.Exists(partial), "the dead writer's partial directory is removed by the next checkpoint write");
        Assert.True(File.Exists(Path.Combine(directory, "checkpoint-9", "trainer_state.json")));
    }

    [Fact]
    public void OnlyTheNewestCheckpointsAreKeptAndResumeWithoutOneStartsAfresh()
    {
        var options = Options(Dir("run"));
        options.CheckpointsToKeep = 2;
        options.ResumeFromCheckpoint = true; // nothing to resume from yet: a warning, then a full run
        var log = new List<string>();
        MLContext.Log += (_, e) => { lock (log) log.Add(e.Message); };
        var reports = new List<RemBertTrainingProgress>();
        options.Progress = new SynchronousProgress(reports.Add);

        using var model = Train(options);

        Assert.Equal(1, reports[0].Step);
        Assert.Contains(log, line => line.Contains("holds no complete checkpoint", StringComparison.Ordinal));
        Assert.Equal(["checkpoint-12", "checkpoint-9"], Directory.GetFileSystemEntries(Dir("run")).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    private static int ExitedProcessId()
    {
        using var process = Process.Start(new ProcessStartInfo("true") { UseShellExecute = false })!;
        process.WaitForExit();
        return process.Id;
    }
}
