using System.Text;
using Microsoft.ML.RemBert.Checkpoints;
using Microsoft.ML.RemBert.Cli;
using Microsoft.ML.RemBert.Modeling;
using Microsoft.ML.RemBert.Tests.Infrastructure;
using Microsoft.ML.RemBert.Tests.MLNet;
using Microsoft.ML.RemBert.Tests.Modeling;
using Xunit;

namespace Microsoft.ML.RemBert.Tests.Checkpoints.Hub;

/// <summary>
/// The CLI's model arguments (issue 20, items 7 and 10): <c>forward</c> and <c>tokenize</c> take a Hub id as <c>train</c>
/// does (served by the loopback Hub), and a <c>--model</c> that is neither a directory nor a Hub id is blamed on
/// <c>--model</c>, not on the training file.
/// </summary>
public sealed class HubCliModelArgumentTests : IDisposable
{
    private readonly TemporaryDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public void ForwardAndTokenizeTakeAHubIdAndGiveWhatTheSnapshotDirectoryGives()
    {
        using var saved = new TemporaryDirectory();
        using (var original = TinyModels.Build<RemBertModel>(TinyModels.Config(), RemBertArchitectures.Model))
            original.SavePretrained(saved.Path);
        string vocabulary = TestPaths.TestData("MLNet", "tiny-unigram.model");
        using var hub = new FakeHub();
        hub.Files["config.json"] = File.ReadAllBytes(saved.File("config.json"));
        hub.Files["model.safetensors"] = File.ReadAllBytes(saved.File("model.safetensors"));
        hub.Files["sentencepiece.model"] = File.ReadAllBytes(vocabulary);
        hub.Files.Remove("tokenizer_config.json");
        using var cache = new HubTestCache();
        var environment = new Dictionary<string, string>
        {
            ["HF_ENDPOINT"] = hub.Endpoint, ["HF_HUB_CACHE"] = cache.Path, ["HF_TOKEN"] = "", ["HF_HUB_OFFLINE"] = "",
        };
        string inputs = _directory.File("in.json");
        File.WriteAllText(inputs, """{"input_ids": [[5, 6, 7]]}""");

        var viaHub = RembertCli.RunWith(environment, "forward", "--model", FakeHub.RepoId, "--inputs", inputs, "--output", _directory.File("hub.json"));
        Assert.True(viaHub.ExitCode == 0, viaHub.StandardError);
        var viaDirectory = RembertCli.Run("forward", "--model", cache.Snapshot, "--inputs", inputs, "--output", _directory.File("dir.json"));
        Assert.True(viaDirectory.ExitCode == 0, viaDirectory.StandardError);
        Assert.Equal(File.ReadAllText(_directory.File("dir.json")), File.ReadAllText(_directory.File("hub.json")));

        string lines = _directory.File("lines.txt");
        File.WriteAllText(lines, "Où est la gare ?\nhello world\n");
        string variables = string.Join(' ', environment.Select(v => $"{v.Key}='{v.Value}'"));
        var tokenized = DotnetProcess.RunShell($"{variables} \"$DOTNET\" '{RembertCli.FindAssembly()}' tokenize --tokenizer {FakeHub.RepoId} < '{lines}'", TimeSpan.FromMinutes(2));
        var expected = DotnetProcess.RunShell($"\"$DOTNET\" '{RembertCli.FindAssembly()}' tokenize --tokenizer '{vocabulary}' < '{lines}'", TimeSpan.FromMinutes(2));
        Assert.True(tokenized.ExitCode == 0, tokenized.StandardError);
        Assert.Equal(2, tokenized.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.Equal(expected.StandardOutput, tokenized.StandardOutput);
    }

    [Theory]
    [InlineData("../x")]
    [InlineData("a/b/c")]
    public void TrainBlamesABadModelArgumentOnModelNotOnTheTrainingFile(string model)
    {
        string train = _directory.File("small.tsv");
        File.WriteAllText(train, "Label\tSentence1\nweather\tpogoda\nmusic\tmuzyka\n");
        string output = _directory.File("model.zip");

        var result = RembertCli.RunWith(new Dictionary<string, string> { ["HF_HUB_OFFLINE"] = "1" },
            "train", "text-classification", "--model", model, "--train", train, "--output", output);

        Assert.Equal(ExitCodes.BadInput, result.ExitCode);
        Assert.StartsWith($"rembert train: --model: '{model}' is neither an existing directory nor a Hugging Face Hub id", result.StandardError);
        Assert.Single(result.StandardError.Trim().Split('\n'));
        Assert.DoesNotContain(train, result.StandardError);
        Assert.False(File.Exists(output));
        Assert.Equal(["small.tsv"], Directory.GetFileSystemEntries(_directory.Path).Select(Path.GetFileName));
    }

    [Fact]
    public void TrainBlamesAShardNameWithANulOnTheCheckpointIndex()
    {
        string checkpoint = _directory.File("checkpoint");
        Directory.CreateDirectory(checkpoint);
        using (var original = TinyModels.Build<RemBertModel>(TinyModels.Config(), RemBertArchitectures.Model))
            original.SavePretrained(checkpoint);
        File.Delete(Path.Combine(checkpoint, "model.safetensors"));
        File.Copy(TestPaths.TestData("MLNet", "tiny-unigram.model"), Path.Combine(checkpoint, "sentencepiece.model"));
        string index = Path.Combine(checkpoint, "model.safetensors.index.json");
        File.WriteAllText(index, "{\"metadata\": {}, \"weight_map\": {\"a\": \"model-0\\u0000.safetensors\"}}", Encoding.UTF8);
        string train = _directory.File("small.tsv");
        File.WriteAllText(train, "Label\tSentence1\nweather\tpogoda\nmusic\tmuzyka\n");

        var result = RembertCli.Run("train", "text-classification", "--model", checkpoint, "--train", train, "--output", _directory.File("model.zip"));

        Assert.Equal(ExitCodes.BadInput, result.ExitCode);
        Assert.Contains(index, result.StandardError);
        Assert.Contains("holding a NUL character", result.StandardError);
        Assert.DoesNotContain(train, result.StandardError);
        Assert.Single(result.StandardError.Trim().Split('\n'));
        Assert.False(File.Exists(_directory.File("model.zip")));
    }
}
