using Microsoft.ML.RemBert.Modeling;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;
using Microsoft.ML.RemBert.Tests.Infrastructure;

namespace Microsoft.ML.RemBert.Tests.Modeling;

/// <summary>Module trees, state-dict names, parameter counts and the factory.</summary>
public class ModelStructureTests
{
    /// <summary>google/rembert's RemBertModel with pooler, as transformers' num_parameters() reports it.</summary>
    private const long GoogleRemBertParameterCount = 575_920_384;

    [Fact]

    [Trait("Category", "Slow")]
    public void FullSizeModelHasGoogleRemBertsParameterCountAndRuns()
    {
        using var model = new RemBertModel(RemBertConfig.GoogleRemBert());
        Assert.Equal(GoogleRemBertParameterCount, model.CountParameters());
        Assert.Equal(GoogleRemBertParameterCount, model.CountParameters(onlyTrainable: true));

        // And it runs: one forward pass on CPU over a short padded batch.
        const int Batch = 2, Length = 16;
        var config = model.Config;
        model.eval();
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        var ids = torch.randint(config.VocabSize, new long[] { Batch, Length }, generator: new torch.Generator(7));
        var mask = torch.ones(Batch, Length, torch.int64);
        mask[1, (Length / 2)..] = torch.tensor(0L);
        using var output = model.forward(ids, mask);
        Assert.Equal(new long[] { Batch, Length, config.HiddenSize }, output.LastHiddenState.shape);
        Assert.Equal(new long[] { Batch, config.HiddenSize }, output.PoolerOutput!.shape);
        Assert.True(output.LastHiddenState.isfinite().all().item<bool>(), "full-size forward produced non-finite values");
    }

    [Fact]
    public void StateDictNamesAreTransformersNames()
    {
        using var model = new RemBertForMaskedLM(TinyModels.Config());
        var keys = model.state_dict().Keys.ToHashSet();
        var expected = new[]
        {
            "rembert.embeddings.word_embeddings.weight", "rembert.embeddings.position_embeddings.weight",
            "rembert.embeddings.token_type_embeddings.weight", "rembert.embeddings.LayerNorm.weight", "rembert.embeddings.LayerNorm.bias",
            "rembert.encoder.embedding_hidden_mapping_in.weight", "rembert.encoder.embedding_hidden_mapping_in.bias",
            "rembert.encoder.layer.1.attention.self.query.weight", "rembert.encoder.layer.1.attention.self.key.bias",
            "rembert.encoder.layer.1.attention.self.value.weight", "rembert.encoder.layer.1.attention.output.dense.weight",
            "rembert.encoder.layer.1.attention.output.LayerNorm.bias", "rembert.encoder.layer.1.intermediate.dense.weight",
            "rembert.encoder.layer.1.output.dense.bias", "rembert.encoder.layer.1.output.LayerNorm.weight",
            "cls.predictions.dense.weight", "cls.predictions.LayerNorm.weight", "cls.predictions.decoder.weight", "cls.predictions.decoder.bias",
        };
        Assert.Empty(expected.Except(keys));
        Assert.DoesNotContain(keys, k => k.Contains("pooler") || k.Contains("position_ids") || k.Contains("act"));
        // 5 embedding tensors, 2 for the mapping, 16 per layer, 6 for the LM head.
        Assert.Equal(5 + 2 + 16 * 2 + 6, keys.Count);
    }

    public static TheoryData<string, Type, string[], bool> Architectures => new()
    {
        { RemBertArchitectures.Model, typeof(RemBertModel), new[] { "pooler.dense.weight" }, true },
        { RemBertArchitectures.ForMaskedLM, typeof(RemBertForMaskedLM), new[] { "cls.predictions.decoder.weight" }, false },
        { RemBertArchitectures.ForCausalLM, typeof(RemBertForCausalLM), new[] { "cls.predictions.decoder.weight" }, false },
        { RemBertArchitectures.ForSequenceClassification, typeof(RemBertForSequenceClassification), new[] { "rembert.pooler.dense.weight", "classifier.weight" }, true },
        { RemBertArchitectures.ForMultipleChoice, typeof(RemBertForMultipleChoice), new[] { "rembert.pooler.dense.weight", "classifier.bias" }, true },
        { RemBertArchitectures.ForTokenClassification, typeof(RemBertForTokenClassification), new[] { "classifier.weight" }, false },
        { RemBertArchitectures.ForQuestionAnswering, typeof(RemBertForQuestionAnswering), new[] { "qa_outputs.weight" }, false },
    };

    [Theory]
    [MemberData(nameof(Architectures))]
    public void FactoryBuildsEachArchitectureFromItsName(string architecture, Type type, string[] someKeys, bool hasPooler)
    {
        var config = TinyModels.Config() with { Architectures = new[] { architecture } };
        using var model = RemBertModelFactory.Create(config);
        Assert.IsType(type, model);
        Assert.Equal(hasPooler, model.BaseModel.HasPooler);
        var keys = model.state_dict().Keys;
        Assert.Empty(someKeys.Except(keys));
        Assert.Equal(model is RemBertModel, keys.All(k => !k.StartsWith("rembert.")));
    }

    [Fact]
    public void FactoryDefaultsToTheBareModelAndRejectsOtherArchitectures()
    {
        using var model = RemBertModelFactory.Create(TinyModels.Config() with { Architectures = null });
        Assert.IsType<RemBertModel>(model);
        var error = Assert.Throws<ArgumentException>(() => RemBertModelFactory.Create(TinyModels.Config() with { Architectures = new[] { "BertModel" } }));
        Assert.Contains("BertModel", error.Message);
    }

    [Fact]
    public void ClassificationHeadsAreSizedByNumLabels()
    {
        using var model = new RemBertForTokenClassification(TinyModels.Config(7));
        Assert.Equal(new long[] { 7, 8 }, model.state_dict()["classifier.weight"].shape);
    }

    [Fact]
    public void ModelsRejectInvalidConfigurations()
    {
        var error = Assert.Throws<RemBertConfigException>(() => new RemBertModel(TinyModels.Config() with { HiddenAct = "mish" }));
        Assert.Equal("hidden_act", error.Field);
    }

    [Fact]
    public void ModelsRunOnTheDeviceAndDtypeTheyAreMovedTo()
    {
        using var scope = NewDisposeScope();
        using var model = TinyModels.Build<RemBertModel>(TinyModels.Config(), RemBertArchitectures.Model);
        var (ids, mask) = TinyModels.Inputs(new long[] { TinyModels.Batch });
        using var noGrad = no_grad();
        var single = model.forward(ids, mask).LastHiddenState;

        model.to(ScalarType.Float64);
        var doubled = model.forward(ids, mask).LastHiddenState;

        Assert.Equal(ScalarType.Float64, doubled.dtype);
        TensorAssert.Close("float64 vs float32", single, doubled, 1e-5);
    }
}
