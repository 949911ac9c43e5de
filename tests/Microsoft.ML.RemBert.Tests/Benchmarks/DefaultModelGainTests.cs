using DefaultModelGain;
using Microsoft.ML.RemBert.Checkpoints;
using Microsoft.ML.RemBert.Modeling;
using Microsoft.ML.RemBert.Tests.Checkpoints;
using Microsoft.ML.RemBert.Tests.Infrastructure;
using TorchSharp;
using Xunit;

namespace Microsoft.ML.RemBert.Tests.Benchmarks;

/// <summary>
/// The DefaultModelGain benchmark's own logic (benchmarks/DefaultModelGain, compiled in): its command line, its tables,
/// and that its random-weights start is paired with the pretrained one (same head for the same seed).
/// </summary>
public class DefaultModelGainTests
{
    [Fact]
    public void WithoutArgumentsEveryTaskRunsOnSeedsOneToThreeFromTheDefaultModelAtTheSamplesEpochs()
    {
        var arguments = GainArguments.Parse([]);
        Assert.Equal(["intent", "ner", "mc", "qa"], arguments.Tasks);
        Assert.Equal([1, 2, 3], arguments.Seeds);
        Assert.Null(arguments.Model);
        Assert.Null(arguments.Epochs);
    }

    [Fact]
    public void TasksSeedsModelAndEpochsAreReadAsGiven()
    {
        using var model = new TemporaryDirectory();
        File.WriteAllText(model.File("config.json"), "{}");
        var arguments = GainArguments.Parse(["--tasks", "qa,intent", "--seeds", "7,2", "--model", model.Path, "--epochs", "3", "--results", model.File("r.jsonl"), "--table-only"]);
        Assert.Equal(["qa", "intent"], arguments.Tasks);
        Assert.Equal(model.File("r.jsonl"), arguments.Results);
        Assert.True(arguments.TableOnly);
        Assert.Equal([7, 2], arguments.Seeds);
        Assert.Equal(model.Path, arguments.Model);
        Assert.Equal(3, arguments.Epochs);
    }

    [Theory]
    [InlineData("--tasks intent,pos", "unknown task 'pos'")]
    [InlineData("--seeds 1,x", "'x' is not a whole number")]
    [InlineData("--seeds 1,2,1", "'1' is given twice")]
    [InlineData("--epochs 0", "--epochs is '0'")]
    [InlineData("--epochs", "--epochs needs a value")]
    [InlineData("--model /nonexistent-checkpoint", "--model '/nonexistent-checkpoint': no config.json")]
    [InlineData("--quick", "unknown argument '--quick'")]
    [InlineData("--table-only", "--table-only needs --results FILE")]
    public void ABadArgumentIsRefusedByName(string commandLine, string message)
    {
        var error = Assert.Throws<ArgumentException>(() => GainArguments.Parse(commandLine.Split(' ')));
        Assert.Contains(message, error.Message);
    }

    [Fact]
    public void TheMeansArePairedOverTheSeedsWhoseTwoRunsFinished()
    {
        RunResult Run(int seed, string side, double value) => Result(seed, side, value);
        var runs = new[]
        {
            Run(1, Sides.Pretrained, 0.60), Run(1, Sides.Random, 0.40),
            Run(2, Sides.Pretrained, 0.50), Run(2, Sides.Random, 0.45),
            Run(3, Sides.Pretrained, 0.90), // its random run failed: seed 3 counts on neither side
        };

        string means = GainTable.Means(runs);
        Assert.Contains("| intents | micro accuracy | 2 | 0.550 | 0.500..0.600 | 0.425 | 0.400..0.450 | +0.125 | +0.050..+0.200 |", means);

        string perSeed = GainTable.PerSeed(runs);
        Assert.Contains("| intents | micro accuracy | 2 | 0.500 | 0.450 | +0.050 | 42 s / 42 s | 70 s / 70 s | 1.00 2.00 3.00 |", perSeed);
        Assert.Contains("| intents | micro accuracy | 3 | 0.900 | missing | - | 42 s / - | 70 s / - |", perSeed);
    }

    [Fact]
    public void TheResultsFileGivesBackEveryFinishedRunAndSkipsAnAppendCutShort()
    {
        using var directory = new TemporaryDirectory();
        string path = directory.File("results.jsonl");
        Assert.Empty(GainResults.Read(path));
        var first = Result(1, Sides.Pretrained, 0.6);
        var second = Result(1, Sides.Random, 0.4) with { Epochs = 2 };
        GainResults.Append(path, first);
        GainResults.Append(path, second);
        File.AppendAllText(path, "{\"Key\":\"intent\",\"Ta"); // a process killed mid-append

        var runs = GainResults.Read(path);
        Assert.Equal([first, second], runs);
        Assert.Equal(first, GainResults.Find(runs, "/start", null, "intent", 1, Sides.Pretrained));
        Assert.Null(GainResults.Find(runs, "/start", null, "intent", 1, Sides.Random)); // only with 2 epochs
        Assert.Null(GainResults.Find(runs, "/other", null, "intent", 1, Sides.Pretrained));
    }

    [Fact]
    public void AMalformedResultsLineIsRefusedWithItsFileAndLine()
    {
        using var directory = new TemporaryDirectory();
        string path = directory.File("results.jsonl");
        GainResults.Append(path, Result(1, Sides.Pretrained, 0.6));
        File.AppendAllText(path, "not json\n");
        var error = Assert.Throws<InvalidDataException>(() => GainResults.Read(path));
        Assert.StartsWith($"{path}:2: not a run of this benchmark", error.Message);
    }

    private static RunResult Result(int seed, string side, double value) =>
        new("intent", "intents", "micro accuracy", 3, "/start", null, seed, side, value, 42, 70, "1.00 2.00 3.00");

    [Fact]
    public void ARandomStartHasTheCheckpointsShapeAndTokenizerNewBodyWeightsAndTheSameHeadForTheSameSeed()
    {
        string start = CheckpointFixtures.Directory("mlm");
        using var random = new TemporaryDirectory();
        RandomStart.Write(start, random.Path, seed: 5);
        Assert.Equal(File.ReadAllBytes(Path.Combine(start, "sentencepiece.model")), File.ReadAllBytes(random.File("sentencepiece.model")));
        Assert.Equal(File.ReadAllBytes(Path.Combine(start, "tokenizer_config.json")), File.ReadAllBytes(random.File("tokenizer_config.json")));

        // Loaded as the trainer loads a start (a new 3-label head drawn from the run's seed): the head and the pooler the
        // masked-LM checkpoint lacks are the same on both sides, the body is not.
        using var pretrained = LoadAsTrainer(start, seed: 5);
        using var paired = LoadAsTrainer(random.Path, seed: 5);
        using var otherSeed = LoadAsTrainer(random.Path, seed: 6);
        Assert.Equal((pretrained.Config with { Architectures = null, TorchDtype = null }).ToJson(), (paired.Config with { Architectures = null, TorchDtype = null }).ToJson());
        var expected = pretrained.state_dict();
        var actual = paired.state_dict();
        Assert.Equal(expected.Keys.Order(), actual.Keys.Order());
        foreach (string key in new[] { "classifier.weight", "rembert.pooler.dense.weight" })
        {
            Assert.True(TensorAssert.Identical(expected[key], actual[key]), $"{key} differs between the two sides of one seed");
            Assert.False(TensorAssert.Identical(actual[key], otherSeed.state_dict()[key]), $"{key} is the same for seeds 5 and 6");
        }
        foreach (string key in new[] { "rembert.embeddings.word_embeddings.weight", "rembert.encoder.layer.0.attention.self.query.weight" })
            Assert.False(TensorAssert.Identical(expected[key], actual[key]), $"{key} was not redrawn");
    }

    private static RemBertForSequenceClassification LoadAsTrainer(string directory, int seed)
    {
        using var generator = new torch.Generator((ulong)seed);
        var options = new CheckpointLoadOptions { AllowMissingPooler = true };
        return RemBertCheckpoint.LoadWithReport<RemBertForSequenceClassification>(directory, config => config with { NumLabels = 3 }, torch.CPU, options, generator).Model;
    }
}
