using System.Text.Json.Nodes;
using Microsoft.ML.RemBert.Modeling;
using Xunit;

namespace Microsoft.ML.RemBert.Tests.Modeling;

public class RemBertConfigTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "rembert-config-tests-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_directory)) Directory.Delete(_directory, recursive: true);
        GC.SuppressFinalize(this);
    }

    [Fact]
    public void GoogleRemBertHasTheHubValues()
    {
        var config = RemBertConfig.GoogleRemBert();
        Assert.Equal(
            (250300, 1152, 32, 18, 256, 1664, 4608, "gelu", 512, 2, 1e-12, 0, 312, 313),
            (config.VocabSize, config.HiddenSize, config.NumHiddenLayers, config.NumAttentionHeads, config.InputEmbeddingSize,
             config.OutputEmbeddingSize, config.IntermediateSize, config.HiddenAct, config.MaxPositionEmbeddings,
             config.TypeVocabSize, config.LayerNormEps, config.PadTokenId, config.BosTokenId, config.EosTokenId));
        Assert.Equal(new[] { "RemBertModel" }, config.Architectures);
        Assert.False(config.TieWordEmbeddings);
        Assert.Equal(64, config.AttentionHeadSize);
        config.Validate();
    }

    [SkippableFact]
    public void LoadsEveryFieldOfAReferenceConfig()
    {
        var fixture = ReferenceFixture.Load();
        var config = RemBertConfig.Load(fixture.Checkpoint("seqcls"));
        Assert.Equal(
            (8000, 48, 3, 4, 24, 40, 96, "gelu", 0.0, 0.0, 0.1, 128, 2, 0.02, 1e-12, 0, 3, 4, false, "float32", "rembert"),
            (config.VocabSize, config.HiddenSize, config.NumHiddenLayers, config.NumAttentionHeads, config.InputEmbeddingSize,
             config.OutputEmbeddingSize, config.IntermediateSize, config.HiddenAct, config.HiddenDropoutProb,
             config.AttentionProbsDropoutProb, config.ClassifierDropoutProb, config.MaxPositionEmbeddings, config.TypeVocabSize,
             config.InitializerRange, config.LayerNormEps, config.PadTokenId, config.BosTokenId, config.EosTokenId,
             config.IsDecoder, config.TorchDtype, config.ModelType));
        Assert.Equal(3, config.NumLabels);
        Assert.Equal("LABEL_2", config.GetId2Label()[2]);
        Assert.Equal(1, config.GetLabel2Id()["LABEL_1"]);
        Assert.Equal(new[] { "RemBertForSequenceClassification" }, config.Architectures);
        Assert.Equal("\"4.44.0\"", config.ExtraFields["transformers_version"]);
    }

    [Fact]
    public void SaveThenLoadRoundTripsEveryFieldAndKeepsUnknownOnes()
    {
        var original = RemBertConfig.FromJson("""
            {"vocab_size": 100, "hidden_size": 12, "num_hidden_layers": 1, "num_attention_heads": 3,
             "input_embedding_size": 4, "output_embedding_size": 5, "intermediate_size": 7, "hidden_act": "gelu_new",
             "hidden_dropout_prob": 0.25, "attention_probs_dropout_prob": 0.5, "classifier_dropout_prob": 0.125,
             "max_position_embeddings": 33, "type_vocab_size": 3, "initializer_range": 0.05, "layer_norm_eps": 1e-6,
             "use_cache": false, "pad_token_id": 1, "bos_token_id": null, "eos_token_id": 9, "is_decoder": true,
             "id2label": {"0": "neg", "1": "neu", "2": "pos"}, "label2id": {"neg": 0, "neu": 1, "pos": 2},
             "problem_type": "single_label_classification", "architectures": ["RemBertForSequenceClassification"],
             "torch_dtype": "bfloat16", "model_type": "rembert",
             "transformers_version": "4.44.0", "custom": {"nested": [1, 2.5, "x"], "flag": null}}
            """);

        var path = original.Save(_directory);
        var reloaded = RemBertConfig.Load(_directory);

        Assert.Equal(Path.Combine(_directory, "config.json"), path);
        Assert.Equal(original.ToJson(), reloaded.ToJson());
        Assert.Equal(
            (100, 12, 1, 3, 4, 5, 7, "gelu_new", 0.25, 0.5, 0.125, 33, 3, 0.05, 1e-6, false, 1, (int?)null, 9, true),
            (reloaded.VocabSize, reloaded.HiddenSize, reloaded.NumHiddenLayers, reloaded.NumAttentionHeads,
             reloaded.InputEmbeddingSize, reloaded.OutputEmbeddingSize, reloaded.IntermediateSize, reloaded.HiddenAct,
             reloaded.HiddenDropoutProb, reloaded.AttentionProbsDropoutProb, reloaded.ClassifierDropoutProb,
             reloaded.MaxPositionEmbeddings, reloaded.TypeVocabSize, reloaded.InitializerRange, reloaded.LayerNormEps,
             reloaded.UseCache, reloaded.PadTokenId, reloaded.BosTokenId, reloaded.EosTokenId, reloaded.IsDecoder));
        Assert.Equal(3, reloaded.NumLabels);
        Assert.Equal("pos", reloaded.GetId2Label()[2]);
        Assert.Equal(RemBertProblemType.SingleLabelClassification, reloaded.ProblemType);
        Assert.Equal("bfloat16", reloaded.TorchDtype);
        var written = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        Assert.Equal("4.44.0", (string?)written["transformers_version"]);
        Assert.Equal(2.5, (double)written["custom"]!["nested"]![1]!);
        Assert.Single(Directory.GetFiles(_directory));
    }

    [Fact]
    public void SaveReplacesAnExistingConfigWithoutLeavingTemporaryFiles()
    {
        RemBertConfig.GoogleRemBert().Save(_directory);
        RemBertConfig.GoogleRemBert().WithLabels(new[] { "a", "b", "c" }).Save(_directory);

        Assert.Equal(new[] { Path.Combine(_directory, "config.json") }, Directory.GetFiles(_directory));
        Assert.Equal(3, RemBertConfig.Load(_directory).NumLabels);
    }

    [Fact]
    public void NumLabelsAloneGivesDefaultLabelNames()
    {
        var config = RemBertConfig.FromJson("""{"num_labels": 4}""");
        Assert.Equal(4, config.NumLabels);
        Assert.Equal("LABEL_3", config.GetId2Label()[3]);
        Assert.Equal(3, RemBertConfig.FromJson(config.ToJson()).GetLabel2Id()["LABEL_3"]);
    }

    [Fact]
    public void TieWordEmbeddingsIsAlwaysFalseAsInTransformers()
    {
        Assert.False(RemBertConfig.FromJson("""{"tie_word_embeddings": true}""").TieWordEmbeddings);
        var error = Assert.Throws<RemBertConfigException>(() => (RemBertConfig.GoogleRemBert() with { TieWordEmbeddings = true }).Validate());
        Assert.Equal("tie_word_embeddings", error.Field);
    }

    public static TheoryData<string, string, string> InvalidFields => new()
    {
        { """{"hidden_size": 50, "num_attention_heads": 4}""", "hidden_size", "50" },
        { """{"vocab_size": 0}""", "vocab_size", "0" },
        { """{"num_hidden_layers": -1}""", "num_hidden_layers", "-1" },
        { """{"intermediate_size": 0}""", "intermediate_size", "0" },
        { """{"hidden_dropout_prob": 1.5}""", "hidden_dropout_prob", "1.5" },
        { """{"attention_probs_dropout_prob": -0.1}""", "attention_probs_dropout_prob", "-0.1" },
        { """{"classifier_dropout_prob": 2}""", "classifier_dropout_prob", "2" },
        { """{"layer_norm_eps": 0}""", "layer_norm_eps", "0" },
        { """{"hidden_act": "gelu_fast"}""", "hidden_act", "gelu_fast" },
        { """{"problem_type": "ranking"}""", "problem_type", "ranking" },
        { """{"model_type": "bert"}""", "model_type", "bert" },
        { """{"pad_token_id": 250300}""", "pad_token_id", "250300" },
        { """{"hidden_size": "big"}""", "hidden_size", "\"big\"" },
        { """{"vocab_size": 1.5}""", "vocab_size", "1.5" },
        { """{"is_decoder": "yes"}""", "is_decoder", "\"yes\"" },
        { """{"architectures": "RemBertModel"}""", "architectures", "\"RemBertModel\"" },
        { """{"id2label": {"zero": "a"}}""", "id2label", "{\"zero\":\"a\"}" },
        { """{"id2label": {"0": "a", "2": "b"}}""", "id2label", "2" },
        { """{"id2label": {"0": "a", "1": "b"}, "num_labels": 3}""", "num_labels", "3" },
        { """{"id2label": {"0": "a", "1": "b"}, "label2id": {"a": 0, "b": 0}}""", "label2id", "b: 0" },
        { """{"id2label": {"0": "a", "1": "b"}, "label2id": {"a": 0}}""", "label2id", "1" },
    };

    [Theory]
    [MemberData(nameof(InvalidFields))]
    public void InvalidFieldsAreReportedByFileFieldAndValue(string json, string field, string value)
    {
        Directory.CreateDirectory(_directory);
        var file = Path.Combine(_directory, "config.json");
        File.WriteAllText(file, json);

        var error = Assert.Throws<RemBertConfigException>(() => RemBertConfig.Load(file));

        Assert.Equal(field, error.Field);
        Assert.Equal(value, error.Value);
        Assert.Contains(file, error.Message);
        Assert.Contains($"'{field}'", error.Message);
    }

    [Fact]
    public void MalformedJsonAndMissingFilesAreReported()
    {
        Assert.Contains("not valid JSON", Assert.Throws<RemBertConfigException>(() => RemBertConfig.FromJson("{\"vocab_size\": ", "x.json")).Message);
        Assert.Contains("JSON object", Assert.Throws<RemBertConfigException>(() => RemBertConfig.FromJson("[1]")).Message);
        Assert.Throws<FileNotFoundException>(() => RemBertConfig.Load(Path.Combine(_directory, "absent")));
    }

    [Fact]
    public void ValidateNamesTheFieldOfAConfigBuiltInCode()
    {
        var error = Assert.Throws<RemBertConfigException>(() => (RemBertConfig.GoogleRemBert() with { NumAttentionHeads = 7 }).Validate());
        Assert.Equal("hidden_size", error.Field);
        Assert.Contains("num_attention_heads (7)", error.Message);
        Assert.Contains("RemBertConfig", error.Message);
    }

    [Theory]
    [InlineData("gelu_python")]
    [InlineData("swish")]
    [InlineData("relu")]
    [InlineData("silu")]
    [InlineData("tanh")]
    public void AcceptsTransformersActivationNames(string activation) =>
        RemBertConfig.FromJson($$"""{"hidden_act": "{{activation}}"}""");
}
