using System.Text.Json.Nodes;
using Microsoft.ML.RemBert.Checkpoints;
using Microsoft.ML.RemBert.Modeling;
using Microsoft.ML.RemBert.Tests.Infrastructure;
using Xunit;

namespace Microsoft.ML.RemBert.Tests.Checkpoints;

/// <summary>
/// A config.json that disagrees with its checkpoint, or a configuration no memory holds, is refused by field before
/// any module is allocated (issue 7, item 3: these used to end in a native SIGSEGV or abort).
/// </summary>
public class ConfigCheckpointAgreementTests
{
    [SkippableTheory]
    [InlineData("num_hidden_layers", 100000, "holds 3 encoder layer(s)")]
    [InlineData("vocab_size", 100000000, "embeddings.word_embeddings.weight has shape [8000, 24], so vocab_size must be 8000")]
    [InlineData("hidden_size", 4800000, "encoder.embedding_hidden_mapping_in.weight has shape [48, 24], so hidden_size must be 48")]
    [InlineData("intermediate_size", 100000000, "intermediate.dense.weight has shape [96, 48], so intermediate_size must be 96")]
    [InlineData("input_embedding_size", 100000000, "word_embeddings.weight has shape [8000, 24], so input_embedding_size must be 24")]
    [InlineData("max_position_embeddings", 100000000, "position_embeddings.weight has shape [128, 24], so max_position_embeddings must be 128")]
    [InlineData("num_labels", 100000000, "classifier.weight has shape [3, 48], so num_labels must be 3")]
    public void AConfigFieldThatDisagreesWithTheCheckpointIsNamedBeforeAllocating(string field, int value, string checkpointSays)
    {
        using var dir = CopyOfFixture("seqcls", config =>
        {
            config[field] = value;
            if (field == "num_labels") { config.Remove("id2label"); config.Remove("label2id"); }
        });
        var error = Assert.Throws<RemBertConfigException>(() => RemBertCheckpoint.FromPretrained(dir.Path).Dispose());
        Assert.Equal(dir.File(CheckpointFileNames.Config), error.Source);
        Assert.Equal(field, error.Field);
        Assert.Equal(value.ToString(), error.Value);
        Assert.Contains(checkpointSays, error.Message);
    }

    [SkippableFact]
    public void FewerLayersInTheCheckpointThanTheConfigAreAllowedOnlyWhenAskedFor()
    {
        using var dir = CopyOfFixture("seqcls", config => config["num_hidden_layers"] = 4);
        Assert.Throws<RemBertConfigException>(() => RemBertCheckpoint.FromPretrained(dir.Path).Dispose());
        var messages = new List<string>();
        using var model = RemBertCheckpoint.FromPretrained(dir.Path,
            options: new CheckpointLoadOptions { AllowMissingBaseWeights = true, Log = messages.Add });
        Assert.Contains("encoder.layer.3.", Assert.Single(messages));
    }

    [Fact]
    public void AModelTooLargeForMemoryIsRefusedByFieldWithoutACheckpoint()
    {
        var error = Assert.Throws<RemBertConfigException>(() => new RemBertModel(new RemBertConfig { NumHiddenLayers = 100000 }).Dispose());
        Assert.Equal(RemBertConfigKeys.NumHiddenLayers, error.Field);
        Assert.Equal("100000", error.Value);
        Assert.Contains("memory available", error.Message);
    }

    [Fact]
    public void AHugeClassifierIsRefusedNamingNumLabels()
    {
        var config = new RemBertConfig { NumLabels = int.MaxValue };
        var error = Assert.Throws<RemBertConfigException>(() =>
            RemBertModelFactory.Create(config, RemBertArchitectures.ForSequenceClassification).Dispose());
        Assert.Equal(RemBertConfigKeys.NumLabels, error.Field);
    }

    [Fact]
    public void ASizeThatOverflowsIsRefusedAsSuch()
    {
        var config = new RemBertConfig { HiddenSize = int.MaxValue, NumAttentionHeads = 1, IntermediateSize = int.MaxValue };
        var error = Assert.Throws<RemBertConfigException>(() => new RemBertModel(config).Dispose());
        Assert.Contains("overflows", error.Message);
        Assert.Contains(error.Field, new[] { RemBertConfigKeys.HiddenSize, RemBertConfigKeys.IntermediateSize });
    }

    [Fact]
    public void TheEstimateMatchesTheBuiltModel()
    {
        var config = new RemBertConfig
        {
            VocabSize = 100, HiddenSize = 16, NumHiddenLayers = 2, NumAttentionHeads = 2, InputEmbeddingSize = 8,
            OutputEmbeddingSize = 12, IntermediateSize = 32, MaxPositionEmbeddings = 20, NumLabels = 3, BosTokenId = 1, EosTokenId = 2,
        };
        foreach (var architecture in RemBertArchitectures.All)
        {
            using var model = RemBertModelFactory.Create(config, architecture);
            Assert.Equal(model.CountParameters(), config.EstimateParameterCount(architecture));
        }
    }

    private static TemporaryDirectory CopyOfFixture(string fixture, Action<JsonObject> editConfig)
    {
        string source = CheckpointFixtures.Directory(fixture);
        var dir = new TemporaryDirectory();
        foreach (var file in Directory.GetFiles(source)) File.Copy(file, dir.File(Path.GetFileName(file)));
        var config = JsonNode.Parse(File.ReadAllText(dir.File(CheckpointFileNames.Config)))!.AsObject();
        editConfig(config);
        File.WriteAllText(dir.File(CheckpointFileNames.Config), config.ToJsonString());
        return dir;
    }
}
