using System.Runtime.InteropServices;
using System.Text.RegularExpressions;
using Microsoft.ML.RemBert.Cli;
using Microsoft.ML.RemBert.Tests.Hostile;
using Microsoft.ML.RemBert.Tests.Infrastructure;
using Microsoft.ML.RemBert.Tests.MLNet;
using Microsoft.ML.RemBert.Tests.MLNet.Trainers;
using Xunit;

namespace Microsoft.ML.RemBert.Tests.Commands;

/// <summary>
/// Bad input to <c>rembert train</c> and <c>evaluate</c>: one line naming the file (and line) at fault, exit 1 (2 for a
/// wrong argument), and no model zip or report written; SIGINT during training exits 130 and leaves no file.
/// </summary>
[Collection(TrainingCollection.Name)]
public sealed class TrainCommandBadInputTests : IDisposable
{
    private readonly TemporaryDirectory directory = new();

    public void Dispose() => directory.Dispose();

    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int signal);

    private void AssertNothingWritten() =>
        Assert.DoesNotContain(Directory.GetFiles(directory.Path), path => path.Contains(".zip") || path.Contains(".html"));

    private DotnetProcess.Result Train(string task, string trainFile, params string[] extra) =>
        RembertCli.Run(["train", task, "--model", directory.File("no-checkpoint-needed"), "--train", trainFile, "--output", directory.File("model.zip"), .. extra]);

    [Fact]
    public void AMissingTrainingFileIsNamed()
    {
        var result = Train("text-classification", directory.File("absent.tsv"));

        Assert.Equal(ExitCodes.BadInput, result.ExitCode);
        Assert.Contains($"rembert train: Data file '{directory.File("absent.tsv")}' does not exist.", result.StandardError);
        AssertNothingWritten();
    }

    [Fact]
    public void AMalformedTrainingOrValidationFileNamesItsLineBeforeAnyTraining()
    {
        string ragged = directory.File("ragged.tsv");
        File.WriteAllText(ragged, "Label\tSentence1\nweather\tpogoda\nmusic\n");
        var result = Train("text-classification", ragged);
        Assert.Equal(ExitCodes.BadInput, result.ExitCode);
        Assert.Contains($"{ragged}: line 3 has 1 fields; the header has 2.", result.StandardError);

        string good = CliTaskData.Overlaps(directory.File("good.tsv"), 4, seed: 1);
        string badLabel = directory.File("valid.tsv");
        File.WriteAllText(badLabel, "Label\tSentence1\tSentence2\n0.5\ta\tb\nhigh\tc\td\n");
        result = Train("regression", good, "--valid", badLabel);
        Assert.Equal(ExitCodes.BadInput, result.ExitCode);
        Assert.Contains($"{badLabel}: line 3, column 'Label': 'high' is not a finite number.", result.StandardError);
        AssertNothingWritten();
    }

    [Theory]
    [InlineData("ner", "absent.conll")]
    [InlineData("qa", "absent.json")]
    [InlineData("multiple-choice", "absent.jsonl")]
    public void EveryTaskNamesAMissingTrainingFile(string task, string name)
    {
        var result = Train(task, directory.File(name));

        Assert.Equal(ExitCodes.BadInput, result.ExitCode);
        Assert.Contains($"rembert train: Data file '{directory.File(name)}' does not exist.", result.StandardError);
        AssertNothingWritten();
    }

    [Theory]
    [InlineData("ner", "bad.conll", "Marie\tB-PER\nvit\tO\n\nParis\n", "line 4: expected 'word<TAB>tag', found 'Paris' (no tag).")]
    [InlineData("ner", "bad.conll", "Marie\tB-PER\nvit\t\n", "line 2, column 2: the tag is empty.")]
    [InlineData("qa", "bad.json", """{"data": [{"paragraphs": [{"context": "Paris est ici.", "qas": [{"question": "Où ?", "answers": [{"text": "Paris", "answer_start": 3}]}]}]}]}""",
        "key data[0].paragraphs[0].qas[0].answers[0].answer_start 3 does not start the answer 'Paris' in the context.")]
    [InlineData("qa", "bad.json", "{\"data\": [\n  {\"paragraphs\": [}\n]}", "line")]
    [InlineData("multiple-choice", "bad.jsonl", "{\"prompt\": \"a\", \"choices\": [\"x\", \"y\"], \"label\": 0}\n{\"prompt\": \"b\", \"choices\": [\"x\", \"y\"], \"label\": 5}\n",
        "line 2, key 'label' 5 is not the index of one of the 2 choices (0 to 1).")]
    [InlineData("multiple-choice", "bad.jsonl", "{\"prompt\": \"a\", \"choices\": [\"x\", \"y\"]\n", "bad.jsonl:1: invalid JSON")]
    public void EveryTaskNamesTheLineOrKeyOfAMalformedTrainingOrValidationFile(string task, string name, string content, string expected)
    {
        string bad = directory.File(name);
        File.WriteAllText(bad, content);
        var result = Train(task, bad);
        Assert.Equal(ExitCodes.BadInput, result.ExitCode);
        Assert.Contains($"rembert train: {bad}", result.StandardError);
        Assert.Contains(expected, result.StandardError);

        // The same file as --valid is read, and refused, before any training.
        string good = directory.File("good" + Path.GetExtension(name));
        _ = task switch
        {
            "ner" => CliTaskData.Entities(good, 2, seed: 1),
            "qa" => CliTaskData.CodeWords(good, 2, seed: 1),
            _ => CliTaskData.Replies(good, 2, seed: 1),
        };
        result = Train(task, good, "--valid", bad);
        Assert.Equal(ExitCodes.BadInput, result.ExitCode);
        Assert.Contains(expected, result.StandardError);
        AssertNothingWritten();
    }

    [Fact]
    public void WrongArgumentsAreUsageErrors()
    {
        string good = CliTaskData.Intents(directory.File("good.tsv"), 4, seed: 1);
        Assert.Equal(ExitCodes.UsageError, Train("summarization", good).ExitCode);
        Assert.Equal(ExitCodes.UsageError, Train("binary", good, "--epochs", "0").ExitCode);
        Assert.Equal(ExitCodes.UsageError, Train("binary", good, "--device", "tpu").ExitCode);
        var precision = Train("binary", good, "--inference-precision", "float16");
        Assert.Equal(ExitCodes.UsageError, precision.ExitCode);
        Assert.Contains("--inference-precision", precision.StandardError);
        AssertNothingWritten();
    }

    [Fact]
    public void ModelDefaultWithoutEmbeddedWeightsIsABadInputNotABug()
    {
        using var weightless = new CliWithoutDefaultWeights();
        string good = CliTaskData.Intents(directory.File("good.tsv"), 4, seed: 1);

        var result = weightless.Run("train", "text-classification", "--model", "default", "--train", good, "--output", directory.File("model.zip"));

        Assert.Equal(ExitCodes.BadInput, result.ExitCode);
        Assert.StartsWith("rembert train: --model default: The embedded default model is missing from Microsoft.ML.RemBert.DefaultModel (config.json, model.safetensors, sentencepiece.model, tokenizer_config.json not embedded)", result.StandardError);
        // One way out, said once: models/default/build.sh, or a checkpoint directory or Hub id instead.
        Assert.Single(Regex.Matches(result.StandardError, "google/rembert"));
        Assert.Contains("models/default/build.sh", result.StandardError);
        AssertNothingWritten();
    }

    [Fact]
    public void EvaluateRefusesAModelWithoutATaskTransformer()
    {
        string zip = PredictFixture.SaveTokenizerZip(directory.File("tokenizer.zip"));
        string data = CliTaskData.Intents(directory.File("data.tsv"), 4, seed: 1);

        var result = RembertCli.Run("evaluate", "--model", zip, "--data", data);

        Assert.Equal(ExitCodes.BadInput, result.ExitCode);
        Assert.Contains($"rembert evaluate: {zip}: the model holds no RemBERT task transformer", result.StandardError);
    }

    [SkippableFact]
    public void SigintDuringTrainingExits130AndLeavesNoFile()
    {
        string checkpoint = KeywordData.BaseCheckpoint;
        string train = CliTaskData.Intents(directory.File("train.tsv"), 400, seed: 1);
        var process = DotnetProcess.StartForSignals([RembertCli.FindAssembly(), "train", "text-classification", "--model", checkpoint, "--train", train,
            "--output", directory.File("model.zip"), "--epochs", "50", "--batch-size", "4", "--max-length", "24", "--device", "cpu"]);

        // Plain progress (stdout is a pipe) prints the first optimizer step: training is under way.
        var firstStep = Task.Run(() =>
        {
            for (string? line = process.StandardOutput.ReadLine(); line is not null; line = process.StandardOutput.ReadLine())
                if (line.Contains(" step 1/", StringComparison.Ordinal)) return true;
            return false;
        });
        Assert.True(firstStep.Wait(TimeSpan.FromMinutes(3)) && firstStep.Result, "training never reported its first step");
        Assert.Equal(0, kill(process.Id, 2));
        var result = DotnetProcess.Wait(process, TimeSpan.FromMinutes(2));

        Assert.True(result.ExitCode == ExitCodes.Interrupted, $"exit {result.ExitCode}: {result.StandardError}");
        Assert.Contains("rembert train: interrupted by SIGINT; no partial output file is left.", result.StandardError);
        Assert.Equal(["train.tsv"], Directory.GetFiles(directory.Path).Select(Path.GetFileName));
    }
}
