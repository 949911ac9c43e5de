using System.Text.Json;
using Microsoft.ML.RemBert.Checkpoints;
using Microsoft.ML.RemBert.Modeling;
using Microsoft.ML.RemBert.Pretraining;
using Microsoft.ML.RemBert.Tests.Infrastructure;
using Microsoft.ML.RemBert.Tokenization;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Microsoft.ML.RemBert.Tests.Pretraining;

/// <summary>Pretraining learns, is reproducible, and writes a checkpoint directory that loads back as transformers would.</summary>
public class RemBertPretrainerTests
{
    [Theory]
    [InlineData(PretrainingObjective.MaskedLanguageModeling)]
    [InlineData(PretrainingObjective.CausalLanguageModeling)]
    [InlineData(PretrainingObjective.ReplacedTokenDetection)]
    public void LossDecreasesOnATinyCorpus(PretrainingObjective objective)
    {
        using var work = new TemporaryDirectory();
        var corpus = TinyPretraining.WriteCorpus(work.File("corpus.txt"));
        using var result = RemBertPretrainer.Pretrain(TinyPretraining.Tokenizer(), corpus, TinyPretraining.Config(), TinyPretraining.Options(objective));
        Assert.True(result.Steps >= 40, $"only {result.Steps} steps");
        double first = result.Losses.Take(5).Average();
        double last = result.Losses.TakeLast(5).Average();
        Assert.True(last < 0.8 * first, $"{objective}: loss went from {first:F3} (first 5 steps) to {last:F3} (last 5)");
        Assert.Equal(PretrainingStop.Completed, result.Stop);
        Assert.IsType(objective == PretrainingObjective.CausalLanguageModeling ? typeof(RemBertForCausalLM) : typeof(RemBertForMaskedLM), result.Model);
        Assert.Equal(objective == PretrainingObjective.CausalLanguageModeling, result.Model.Config.IsDecoder);
    }

    [Fact]
    public void ElectraTrainsTheDiscriminatorTheGeneratorAndTheProbeOverSharedEmbeddings()
    {
        var tokenizer = TinyPretraining.Tokenizer();
        var options = TinyPretraining.Options(PretrainingObjective.ReplacedTokenDetection);
        var config = RemBertPretrainer.ConfigureFor(TinyPretraining.Config(), tokenizer, options.Objective);
        var generatorConfig = ElectraPretrainingModel.GeneratorConfig(config, 0.5);
        Assert.Equal(config.HiddenSize / 2, generatorConfig.HiddenSize);
        Assert.Equal(config.InputEmbeddingSize, generatorConfig.InputEmbeddingSize);
        using var electra = new ElectraPretrainingModel(config, generatorConfig, discriminatorWeight: 50);
        using var generator = new Generator(3);
        electra.InitializeWeights(generator);

        // The generator reads the discriminator's embedding tables: no table is registered twice, and only one word table exists.
        var names = electra.named_parameters().Select(p => p.name).ToList();
        Assert.Single(names, n => n.EndsWith("word_embeddings.weight", StringComparison.Ordinal));
        Assert.Equal(electra.Discriminator.parameters().Count(), names.Count(n => n.StartsWith("discriminator.", StringComparison.Ordinal)));

        var blocks = Enumerable.Range(0, 8).Select(i => tokenizer.Encode($"weather today {i} please music now").InputIds).ToList();
        var collator = RemBertPretrainer.CollatorFor(tokenizer, options with { MaskProbability = 0.3 });
        using var optimizer = Microsoft.ML.RemBert.MLNet.Training.DecoupledWeightDecay.CreateOptimizer(electra, 3e-3, 0);
        electra.train();
        var parts = new List<(double Generator, double Discriminator, double Probe)>();
        var detection = new List<(double ReplacedShare, double Accuracy)>();
        for (int step = 0; step < 60; step++)
        {
            using var scope = NewDisposeScope();
            var loss = electra.Loss(collator.Collate(blocks, generator), generator, CPU)!;
            loss.backward();
            optimizer.step();
            optimizer.zero_grad();
            parts.Add(electra.LastLosses);
            detection.Add(electra.LastDetection);
        }
        // Beyond the prior: labelling every token "original" scores 1 - the replaced share; the discriminator must do better.
        double prior = 1 - detection.TakeLast(10).Average(d => d.ReplacedShare);
        double accuracy = detection.TakeLast(10).Average(d => d.Accuracy);
        Assert.True(accuracy > prior + 0.02, $"discriminator accuracy {accuracy:P1} is not above the prior {prior:P1}");
        (double First, double Last) Span(Func<(double Generator, double Discriminator, double Probe), double> part) =>
            (parts.Take(5).Select(part).Average(), parts.TakeLast(5).Select(part).Average());
        var (generatorFirst, generatorLast) = Span(p => p.Generator);
        var (probeFirst, probeLast) = Span(p => p.Probe);
        var (discriminatorFirst, discriminatorLast) = Span(p => p.Discriminator);
        Assert.True(generatorLast < 0.8 * generatorFirst, $"the generator did not learn: {generatorFirst:F3} -> {generatorLast:F3}");
        // The probe reads states the discriminator keeps changing, so it learns more slowly than the generator.
        Assert.True(probeLast < 0.95 * probeFirst, $"the LM-head probe did not learn: {probeFirst:F3} -> {probeLast:F3}");
        Assert.True(discriminatorLast < discriminatorFirst, $"the discriminator did not learn: {discriminatorFirst:F3} -> {discriminatorLast:F3}");
        Assert.All(parts, p => Assert.True(double.IsFinite(p.Discriminator) && p.Discriminator > 0));
    }

    [Fact]
    public void TheSameSeedGivesTheSameModel()
    {
        using var work = new TemporaryDirectory();
        var corpus = TinyPretraining.WriteCorpus(work.File("corpus.txt"));
        var options = TinyPretraining.Options() with { MaxSteps = 6 };
        using var a = RemBertPretrainer.Pretrain(TinyPretraining.Tokenizer(), corpus, TinyPretraining.Config(), options);
        using var b = RemBertPretrainer.Pretrain(TinyPretraining.Tokenizer(), corpus, TinyPretraining.Config(), options);
        using var c = RemBertPretrainer.Pretrain(TinyPretraining.Tokenizer(), corpus, TinyPretraining.Config(), options with { Seed = 12 });
        Assert.Equal(a.Losses, b.Losses);
        Assert.NotEqual(a.Losses, c.Losses);
        var bState = b.Model.state_dict();
        foreach (var (name, value) in a.Model.state_dict())
            Assert.True(value.eq(bState[name]).all().item<bool>(), $"{name} differs between two runs with the same seed");
    }

    [Fact]
    public void MaxStepsEndsTheRunAndTheSchedule()
    {
        using var work = new TemporaryDirectory();
        var corpus = TinyPretraining.WriteCorpus(work.File("corpus.txt"));
        var reports = new List<Trainers.RemBertTrainingProgress>();
        var options = TinyPretraining.Options() with { MaxSteps = 5, Progress = new MLNet.Trainers.SynchronousProgress(reports.Add) };
        using var result = RemBertPretrainer.Pretrain(TinyPretraining.Tokenizer(), corpus, TinyPretraining.Config(), options);
        Assert.Equal(5, result.Steps);
        Assert.Equal(PretrainingStop.MaxSteps, result.Stop);
        Assert.Equal(Enumerable.Range(1, 5), reports.Select(r => r.Step));
        Assert.All(reports, r => Assert.Equal(5, r.TotalSteps));
        Assert.True(reports[^1].LearningRate < reports[1].LearningRate, "the learning rate decays towards the last step");
    }

    [Fact]
    public void TimeLimitStopsTraining()
    {
        using var work = new TemporaryDirectory();
        var corpus = TinyPretraining.WriteCorpus(work.File("corpus.txt"));
        var options = TinyPretraining.Options() with { TimeLimit = TimeSpan.FromTicks(1) };
        using var result = RemBertPretrainer.Pretrain(TinyPretraining.Tokenizer(), corpus, TinyPretraining.Config(), options);
        Assert.Equal(PretrainingStop.TimeLimit, result.Stop);
        Assert.True(result.Steps <= 1);
    }

    [Fact]
    public void MaskedLossOnChosenPositionsEqualsTheModelsLoss()
    {
        using var scope = NewDisposeScope();
        var tokenizer = TinyPretraining.Tokenizer();
        var options = TinyPretraining.Options();
        var config = RemBertPretrainer.ConfigureFor(TinyPretraining.Config(), tokenizer, options.Objective);
        using var model = new RemBertForMaskedLM(config);
        model.eval();
        var blocks = Enumerable.Range(0, 4).Select(i => tokenizer.Encode($"weather today {i} please music now").InputIds).ToList();
        using var generator = new Generator(1);
        var batch = RemBertPretrainer.CollatorFor(tokenizer, options with { MaskProbability = 0.5 }).Collate(blocks, generator);
        var fast = PretrainingLoop.Loss(model, batch, CPU)!;
        var reference = model.forward(batch.InputIds, batch.AttentionMask, labels: batch.Labels).Loss!;
        Assert.Equal(reference.item<float>(), fast.item<float>(), 5);
    }

    [Theory]
    [InlineData(PretrainingObjective.MaskedLanguageModeling)]
    [InlineData(PretrainingObjective.CausalLanguageModeling)]
    [InlineData(PretrainingObjective.ReplacedTokenDetection)]
    public void SavedDirectoryLoadsBackWithTheSameOutputs(PretrainingObjective objective)
    {
        using var work = new TemporaryDirectory();
        var corpus = TinyPretraining.WriteCorpus(work.File("corpus.txt"));
        var tokenizer = TinyPretraining.Tokenizer();
        using var result = RemBertPretrainer.Pretrain(tokenizer, corpus, TinyPretraining.Config(), TinyPretraining.Options(objective) with { MaxSteps = 3 });
        var output = Path.Combine(work.Path, "checkpoint");
        RemBertPretrainer.SaveCheckpoint(result.Model, tokenizer, output);

        Assert.Equal(["config.json", "model.safetensors", "sentencepiece.model", "tokenizer_config.json"],
            Directory.GetFiles(output).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        // No staging or backup directory is left beside it.
        Assert.Equal([work.File("checkpoint"), work.File("corpus.txt")], Directory.GetFileSystemEntries(work.Path).Order(StringComparer.Ordinal));
        using var loaded = RemBertCheckpoint.FromPretrained(output);
        Assert.Equal(result.Model.GetType(), loaded.GetType());
        var reloadedTokenizer = RemBertTokenizer.FromPretrained(output);
        Assert.Equal(tokenizer.SentencePiece.ModelBytes.ToArray(), reloadedTokenizer.SentencePiece.ModelBytes.ToArray());
        Assert.Equal(64, reloadedTokenizer.Options.ModelMaxLength);

        using var scope = NewDisposeScope();
        var ids = tensor(tokenizer.Encode("météo weather погода 天気").InputIds.Select(i => (long)i).ToArray()).unsqueeze(0);
        using var noGrad = no_grad();
        var expected = ((LogitsOutput)result.Model.ForwardOutputs(ids)).Logits;
        var actual = ((LogitsOutput)loaded.ForwardOutputs(ids)).Logits;
        Assert.True(expected.allclose(actual, rtol: 0, atol: 1e-6), "the reloaded checkpoint gives other logits");
    }

    [Fact]
    public void Bfloat16SaveHalvesTheWeightsAndLoadsIntoFloat32()
    {
        using var work = new TemporaryDirectory();
        var corpus = TinyPretraining.WriteCorpus(work.File("corpus.txt"));
        var tokenizer = TinyPretraining.Tokenizer();
        using var result = RemBertPretrainer.Pretrain(tokenizer, corpus, TinyPretraining.Config(), TinyPretraining.Options() with { MaxSteps = 2 });
        RemBertPretrainer.SaveCheckpoint(result.Model, tokenizer, work.File("fp32"));
        RemBertPretrainer.SaveCheckpoint(result.Model, tokenizer, work.File("bf16"), ScalarType.BFloat16);
        long full = new FileInfo(Path.Combine(work.File("fp32"), "model.safetensors")).Length;
        long half = new FileInfo(Path.Combine(work.File("bf16"), "model.safetensors")).Length;
        Assert.InRange(half, full / 2 - 4096, full / 2 + 4096);
        Assert.Equal("bfloat16", JsonDocument.Parse(File.ReadAllText(Path.Combine(work.File("bf16"), "config.json"))).RootElement.GetProperty("torch_dtype").GetString());
        Assert.Equal(ScalarType.Float32, result.Model.parameters().First().dtype); // the trained model itself is untouched

        using var loaded = RemBertCheckpoint.FromPretrained<RemBertForMaskedLM>(work.File("bf16"));
        var state = loaded.state_dict();
        foreach (var (name, value) in result.Model.state_dict())
            Assert.True(value.allclose(state[name].to(value.dtype), rtol: 1e-2, atol: 1e-3), $"{name} is not within bfloat16 rounding");
    }

    [SkippableFact]
    public void CheckpointFilesHaveTheKeysOfTheReferenceCheckpoint()
    {
        // The fixtures' RemBertForMaskedLM checkpoint was written by transformers' save_pretrained conventions: ours
        // carries the same config and tokenizer_config keys (python3 transformers is not installed to load it directly).
        string reference = TestPaths.Fixture("rembert-reference", "mlm");
        using var work = new TemporaryDirectory();
        var corpus = TinyPretraining.WriteCorpus(work.File("corpus.txt"));
        var tokenizer = TinyPretraining.Tokenizer();
        using var result = RemBertPretrainer.Pretrain(tokenizer, corpus, TinyPretraining.Config(), TinyPretraining.Options() with { MaxSteps = 1 });
        var output = work.File("checkpoint");
        RemBertPretrainer.SaveCheckpoint(result.Model, tokenizer, output);
        foreach (var file in new[] { "tokenizer_config.json", "config.json" })
        {
            var ours = Keys(Path.Combine(output, file));
            var theirs = Keys(Path.Combine(reference, file));
            // The version of the transformers library that wrote a file: ours was not written by it.
            theirs.Remove("transformers_version");
            Assert.True(theirs.IsSubsetOf(ours), $"{file} lacks {string.Join(", ", theirs.Except(ours))}");
        }
        using var referenceModel = RemBertCheckpoint.FromPretrained<RemBertForMaskedLM>(reference);
        using var ourModel = RemBertCheckpoint.FromPretrained<RemBertForMaskedLM>(output);
        // The same weight names, layer numbers aside (the reference has 3 layers, ours 1).
        Assert.Equal(LayerPattern(referenceModel.state_dict().Keys), LayerPattern(ourModel.state_dict().Keys));
    }

    private static string[] LayerPattern(IEnumerable<string> names) =>
        names.Select(name => System.Text.RegularExpressions.Regex.Replace(name, @"\.layer\.\d+\.", ".layer.N.")).Distinct().Order(StringComparer.Ordinal).ToArray();

    private static HashSet<string> Keys(string path) =>
        JsonDocument.Parse(File.ReadAllText(path)).RootElement.EnumerateObject().Select(p => p.Name).ToHashSet();
}
