using System.Runtime.InteropServices;
using Microsoft.ML;
using Microsoft.ML.RemBert.MLNet.Scoring;
using Microsoft.ML.RemBert.Trainers;
using Microsoft.ML.RemBert.Tests.Infrastructure;
using Microsoft.ML.RemBert.Tests.MLNet;
using Microsoft.ML.RemBert.Tests.MLNet.Trainers;
using Xunit;
using static Microsoft.ML.RemBert.Tests.Commands.CliOutput;

namespace Microsoft.ML.RemBert.Tests.Commands;

/// <summary>
/// <c>rembert train --checkpoint-dir DIR --checkpoint-steps N --resume</c> as a crash meets it (issue 21, part 4): a
/// child <c>rembert train</c> is killed with SIGKILL mid-epoch once a checkpoint exists, run again with
/// <c>--resume</c>, and its zip then holds the weights of an uninterrupted run, bit for bit, and predicts the same.
/// </summary>
[Collection(TrainingCollection.Name)]
[Trait("Category", "Slow")] // three training runs in child processes
public sealed class TrainCommandResumeTests : IDisposable
{
    // 240 rows in batches of 8: 30 steps per epoch, 60 in all; a checkpoint every 7 steps never falls on an epoch's end.
    private const int Rows = 240, StepsPerEpoch = 30, CheckpointSteps = 7;
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(10); // a loaded machine trains slowly
    private static readonly string[] Recipe = ["--epochs", "2", "--batch-size", "8", "--learning-rate", "1e-3", "--max-length", "24", "--seed", "3", "--device", "cpu"];
    private readonly TemporaryDirectory directory = new();

    public void Dispose() => directory.Dispose();

    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int signal);

    [SkippableFact]
    public void AKilledTrainResumedFromItsCheckpointSavesTheUninterruptedRunsModel()
    {
        string train = CliTaskData.Intents(directory.File("train.tsv"), Rows, seed: 1);
        string valid = CliTaskData.Intents(directory.File("valid.tsv"), 24, seed: 2);
        string checkpoints = directory.File("checkpoints");
        string resumedZip = directory.File("resumed.zip"), fullZip = directory.File("full.zip");
        string[] Train(string zip, params string[] extra) =>
            ["train", "text-classification", "--model", KeywordData.BaseCheckpoint, "--train", train, "--valid", valid, "--output", zip, .. Recipe, .. extra];
        string[] checkpointing = ["--checkpoint-dir", checkpoints, "--checkpoint-steps", CheckpointSteps.ToString()];

        // Killed with SIGKILL as soon as a checkpoint is complete: nothing of the run can clean up.
        var process = DotnetProcess.StartForSignals([RembertCli.FindAssembly(), .. Train(resumedZip, checkpointing)]);
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        var deadline = DateTime.UtcNow + Timeout;
        while (CompleteCheckpoints(checkpoints).Count == 0)
        {
            if (process.HasExited)
                Assert.Fail($"rembert train ended before its first checkpoint: {output.Result}\n{errors.Result}");
            Assert.True(DateTime.UtcNow < deadline, $"no checkpoint within {Timeout}");
            Thread.Sleep(10);
        }
        Assert.Equal(0, kill(process.Id, 9));
        process.WaitForExit();
        process.Dispose();
        Assert.False(File.Exists(resumedZip));
        int killedAt = CompleteCheckpoints(checkpoints).Max();
        Assert.True(killedAt < 2 * StepsPerEpoch && killedAt % StepsPerEpoch != 0, $"the newest checkpoint is of step {killedAt}: not mid-epoch");

        var resumed = Run(Train(resumedZip, [.. checkpointing, "--resume"]));
        AssertSucceeded(resumed);
        // The first step reported is the one after the checkpoint: those before it did not run again.
        Assert.Contains($"step {killedAt + 1}/60:", resumed.StandardOutput);
        Assert.DoesNotContain("step 1/60:", resumed.StandardOutput);
        var full = Run(Train(fullZip));
        AssertSucceeded(full);
        Assert.Contains("step 1/60:", full.StandardOutput);

        AssertSameWeights(fullZip, resumedZip);
        var fullPredictions = Run(["predict", "--model", fullZip, "--input", valid]);
        AssertSucceeded(fullPredictions);
        Assert.Equal(fullPredictions.StandardOutput, Run(["predict", "--model", resumedZip, "--input", valid]).StandardOutput);
    }

    private static DotnetProcess.Result Run(string[] arguments) => DotnetProcess.Run(arguments.Prepend(RembertCli.FindAssembly()), Timeout);

    // The steps of the complete checkpoints (a partial directory has a longer name).
    private static List<int> CompleteCheckpoints(string checkpoints) =>
        !Directory.Exists(checkpoints) ? [] :
        Directory.GetDirectories(checkpoints, "checkpoint-*").Select(path => Path.GetFileName(path)["checkpoint-".Length..])
            .Where(step => step.All(char.IsAsciiDigit)).Select(int.Parse).ToList();

    private static void AssertSameWeights(string expectedZip, string actualZip)
    {
        var expected = Weights(expectedZip);
        var actual = Weights(actualZip);
        Assert.Equal(expected.Keys.Order(), actual.Keys.Order());
        foreach (var (name, values) in expected)
            Assert.True(values.AsSpan().SequenceEqual(actual[name]), $"{name} of the resumed run differs from the uninterrupted run's");
    }

    private static Dictionary<string, float[]> Weights(string zip)
    {
        var loaded = (IEnumerable<ITransformer>)new MLContext().Model.Load(zip, out _);
        using var scoring = Assert.Single(loaded.OfType<RemBertScoringTransformer>());
        return scoring.ScoringTask.ScoredModel!.state_dict()
            .ToDictionary(pair => pair.Key, pair => pair.Value.detach().cpu().contiguous().data<float>().ToArray());
    }
}
