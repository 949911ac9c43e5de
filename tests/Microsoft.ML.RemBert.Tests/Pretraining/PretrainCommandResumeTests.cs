using System.Runtime.InteropServices;
using Microsoft.ML.RemBert.Cli;
using Microsoft.ML.RemBert.Tests.Infrastructure;
using Microsoft.ML.RemBert.Tests.MLNet;
using Microsoft.ML.RemBert.Tests.MLNet.Trainers;
using Xunit;

namespace Microsoft.ML.RemBert.Tests.Pretraining;

/// <summary>
/// <c>rembert pretrain --checkpoint-dir DIR --checkpoint-steps N --resume DIR</c>: a run resumed from a checkpoint writes
/// the uninterrupted run's model.safetensors byte for byte; a resume under other settings or from a missing directory
/// exits 1 naming it; a child run stopped by SIGTERM keeps only complete checkpoints and is resumed to the same model.
/// </summary>
[Collection(ConsoleRedirection.Name)]
public sealed class PretrainCommandResumeTests : IDisposable
{
    private readonly TemporaryDirectory _work = new();

    public void Dispose() => _work.Dispose();

    private string[] Pretrain(string output, params string[] extra) =>
        ["pretrain", "--tokenizer", KeywordData.TinyTokenizerPath, "--corpus", TinyPretraining.WriteCorpus(_work.File("corpus.txt")), "--output", output,
         "--hidden-size", "32", "--num-layers", "1", "--num-heads", "2", "--intermediate-size", "64", "--input-embedding-size", "16",
         "--output-embedding-size", "24", "--max-position-embeddings", "64", "--max-length", "24", "--batch-size", "4", "--seed", "3",
         "--learning-rate", "3e-3", "--epochs", "50", "--device", "cpu", .. extra];

    private static byte[] Weights(string output) => File.ReadAllBytes(Path.Combine(output, "model.safetensors"));

    [Fact]
    public void AResumedRunSavesTheUninterruptedRunsWeightsAndOtherSettingsAreRefused()
    {
        string checkpoints = _work.File("checkpoints");
        var (code, error) = ConsoleRedirection.RunMain(Pretrain(_work.File("full"), "--max-steps", "6", "--checkpoint-dir", checkpoints, "--checkpoint-steps", "2"));
        Assert.True(code == ExitCodes.Success, error);
        Assert.Contains($"Checkpoint written: {Path.Combine(checkpoints, "checkpoint-2")}", error);
        Assert.Equal(["checkpoint-4", "checkpoint-6"], Directory.GetDirectories(checkpoints).Select(Path.GetFileName).Order(StringComparer.Ordinal));

        (code, error) = ConsoleRedirection.RunMain(Pretrain(_work.File("resumed"), "--max-steps", "6", "--resume", Path.Combine(checkpoints, "checkpoint-4")));
        Assert.True(code == ExitCodes.Success, error);
        Assert.Contains($"Resuming from {Path.Combine(checkpoints, "checkpoint-4")}: step 4", error);
        Assert.Contains("step 5/6:", error); // the sitting's first step is shown
        Assert.DoesNotContain("step 1/6:", error);
        Assert.Equal(Weights(_work.File("full")), Weights(_work.File("resumed")));

        (code, error) = ConsoleRedirection.RunMain(Pretrain(_work.File("other"), "--max-steps", "8", "--resume", checkpoints));
        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains($"Cannot resume from {Path.Combine(checkpoints, "checkpoint-6")}", error);
        Assert.Contains("MaxSteps 6 in the checkpoint, 8 now", error);
        Assert.False(Directory.Exists(_work.File("other")));

        (code, error) = ConsoleRedirection.RunMain(Pretrain(_work.File("other"), "--max-steps", "6", "--resume", _work.File("nowhere")));
        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains(_work.File("nowhere"), error);
    }

    [Fact]
    public void TranslationRankingContinuesFromInitFromAndAResumeFromOtherStartingWeightsIsRefused()
    {
        var (code, error) = ConsoleRedirection.RunMain(Pretrain(_work.File("start"), "--max-steps", "2"));
        Assert.True(code == ExitCodes.Success, error);
        (code, error) = ConsoleRedirection.RunMain(Pretrain(_work.File("other-start"), "--max-steps", "3"));
        Assert.True(code == ExitCodes.Success, error);
        string aligned = _work.File("aligned.tsv");
        File.WriteAllLines(aligned, ["weather please\tmétéo please\ttiempo please", "music now\tmusique maintenant", "alarm today\tWecker heute"]);
        string[] Ranking(string output, string start, params string[] extra) =>
            ["pretrain", "--tokenizer", KeywordData.TinyTokenizerPath, "--corpus", aligned, "--output", output, "--objective", "translation-ranking",
             "--init-from", start, "--max-length", "24", "--batch-size", "2", "--seed", "3", "--max-steps", "4", .. extra];

        string checkpoints = _work.File("ranking-checkpoints");
        (code, error) = ConsoleRedirection.RunMain(Ranking(_work.File("ranked"), _work.File("start"), "--checkpoint-dir", checkpoints, "--checkpoint-steps", "2"));
        Assert.True(code == ExitCodes.Success, error);
        Assert.Contains("3 groups of translations, 5 pairs", error);
        Assert.Contains($"Starting from the weights of {_work.File("start")}", error);
        Assert.True(File.Exists(Path.Combine(_work.File("ranked"), "model.safetensors")));

        // The checkpoints remember the starting weights: resuming them from another model's is refused by name.
        (code, error) = ConsoleRedirection.RunMain(Ranking(_work.File("ranked2"), _work.File("other-start"), "--resume", Path.Combine(checkpoints, "checkpoint-2")));
        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("InitialModel", error);

        // --init-from gives the shape: --config beside it is refused before any work.
        string config = Path.Combine(_work.File("start"), "config.json");
        (code, error) = ConsoleRedirection.RunMain(Ranking(_work.File("ranked3"), _work.File("start"), "--config", config));
        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("--init-from", error);
        Assert.False(Directory.Exists(_work.File("ranked3")));
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int signal);

    [SkippableFact]
    [Trait("Category", "Slow")] // three pretraining runs in child processes
    public void ASigtermKeepsOnlyCompleteCheckpointsAndTheResumedRunSavesTheUninterruptedModel()
    {
        var timeout = TimeSpan.FromMinutes(5);
        string checkpoints = _work.File("checkpoints");
        string[] recipe = ["--max-steps", "150", "--checkpoint-dir", checkpoints, "--checkpoint-steps", "7"];
        var process = DotnetProcess.StartForSignals([RembertCli.FindAssembly(), .. Pretrain(_work.File("stopped"), recipe)]);
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        var deadline = DateTime.UtcNow + timeout;
        while (!Directory.Exists(checkpoints) || !Directory.EnumerateDirectories(checkpoints, "checkpoint-*").Any(IsComplete))
        {
            if (process.HasExited)
                Assert.Fail($"rembert pretrain ended before its first checkpoint: {output.Result}\n{errors.Result}");
            Assert.True(DateTime.UtcNow < deadline, $"no checkpoint within {timeout}");
            Thread.Sleep(10);
        }
        Assert.Equal(0, kill(process.Id, 15));
        Assert.True(process.WaitForExit(timeout));
        Assert.Equal(ExitCodes.Terminated, process.ExitCode);
        process.Dispose();
        Assert.False(Directory.Exists(_work.File("stopped")), "a stopped run writes no output");
        var left = Directory.GetFileSystemEntries(checkpoints);
        Assert.NotEmpty(left);
        Assert.All(left, entry => Assert.True(IsComplete(entry), $"{entry} is not a complete checkpoint"));

        var resumed = DotnetProcess.Run([RembertCli.FindAssembly(), .. Pretrain(_work.File("resumed"), [.. recipe, "--resume", checkpoints])], timeout);
        Assert.True(resumed.ExitCode == ExitCodes.Success, resumed.StandardError);
        Assert.DoesNotContain("step 1/150:", resumed.StandardError);
        var full = DotnetProcess.Run([RembertCli.FindAssembly(), .. Pretrain(_work.File("full"), "--max-steps", "150")], timeout);
        Assert.True(full.ExitCode == ExitCodes.Success, full.StandardError);
        Assert.Equal(Weights(_work.File("full")), Weights(_work.File("resumed")));
    }

    // A checkpoint-STEP directory (a partial one has a longer name) with its state file, the last file written.
    private static bool IsComplete(string path) =>
        Path.GetFileName(path)["checkpoint-".Length..].All(char.IsAsciiDigit) && File.Exists(Path.Combine(path, "trainer_state.json"));
}
