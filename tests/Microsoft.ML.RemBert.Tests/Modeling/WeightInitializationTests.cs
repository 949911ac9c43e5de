using Microsoft.ML.RemBert.Modeling;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Microsoft.ML.RemBert.Tests.Modeling;

/// <summary>New models are initialised as transformers' _init_weights does.</summary>
public class WeightInitializationTests
{
    /// <summary>A value no initialisation produces, to tell untouched parameters apart.</summary>
    private const float Untouched = 7f;

    [Fact]
    public void WeightsAreNormalBiasesZeroLayerNormsIdentityAndPaddingRowZero()
    {
        var config = TinyModels.Config() with
        {
            VocabSize = 2000, HiddenSize = 64, NumAttentionHeads = 4, IntermediateSize = 128, InitializerRange = 0.02, PadTokenId = 5,
        };
        using var model = new RemBertForSequenceClassification(config);
        var state = model.state_dict();

        foreach (var (name, tensor) in state)
        {
            if (name.Contains("LayerNorm.weight")) Assert.True(tensor.eq(1).all().item<bool>(), name);
            else if (name.EndsWith(".bias")) Assert.True(tensor.eq(0).all().item<bool>(), name);
        }
        var words = state["rembert.embeddings.word_embeddings.weight"];
        Assert.True(words[5].eq(0).all().item<bool>());
        Assert.Equal(0.02, words.std().item<float>(), 0.001);
        Assert.Equal(0.0, words.mean().item<float>(), 0.001);
        Assert.Equal(0.02, state["rembert.encoder.layer.0.intermediate.dense.weight"].std().item<float>(), 0.001);
        Assert.Equal(0.02, state["rembert.encoder.embedding_hidden_mapping_in.weight"].std().item<float>(), 0.002);
    }

    [Fact]
    public void InitialisationIsReproducibleFromAGenerator()
    {
        static Tensor Build(ulong seed)
        {
            using var model = new RemBertModel(TinyModels.Config());
            model.InitializeWeights(new Generator(seed));
            return model.state_dict()["encoder.layer.1.attention.self.key.weight"].clone();
        }
        using var first = Build(11);
        using var second = Build(11);
        using var other = Build(12);
        Assert.True(first.eq(second).all().item<bool>());
        Assert.False(first.eq(other).all().item<bool>());
    }
    [Fact]
    public void OnlyTheNamedParametersAreInitialised()
    {
        var config = TinyModels.Config(numLabels: 64) with { HiddenSize = 64, NumAttentionHeads = 4, InitializerRange = 0.02 };
        using var model = new RemBertForSequenceClassification(config);
        FillAll(model, Untouched);

        RemBertWeightInitializer.Initialize(model, config, new[] { "classifier.weight", "classifier.bias", "rembert.pooler.dense.bias" }, new Generator(3));

        var state = model.state_dict();
        Assert.True(state["classifier.bias"].eq(0).all().item<bool>());
        Assert.True(state["rembert.pooler.dense.bias"].eq(0).all().item<bool>());
        Assert.Equal(0.02, state["classifier.weight"].std().item<float>(), 0.002);
        Assert.Equal(0.0, state["classifier.weight"].mean().item<float>(), 0.002);
        Assert.True(state["rembert.pooler.dense.weight"].eq(Untouched).all().item<bool>());
        foreach (var (name, tensor) in state.Where(p => !p.Key.StartsWith("classifier.") && !p.Key.StartsWith("rembert.pooler.")))
            Assert.True(tensor.eq(Untouched).all().item<bool>(), $"{name} was initialised but not named");
    }

    [Fact]
    public void ThePaddingRowIsZeroedOnlyWhenTheWordEmbeddingsAreNamed()
    {
        var config = TinyModels.Config();
        using var model = new RemBertModel(config);
        FillAll(model, Untouched);
        var words = model.state_dict()["embeddings.word_embeddings.weight"];

        RemBertWeightInitializer.Initialize(model, config, new[] { "embeddings.LayerNorm.weight", "embeddings.LayerNorm.bias" });
        Assert.True(words[config.PadTokenId!.Value].eq(Untouched).all().item<bool>());
        var state = model.state_dict();
        Assert.True(state["embeddings.LayerNorm.weight"].eq(1).all().item<bool>());
        Assert.True(state["embeddings.LayerNorm.bias"].eq(0).all().item<bool>());

        RemBertWeightInitializer.Initialize(model, config, new[] { "embeddings.word_embeddings.weight" });
        Assert.True(words[config.PadTokenId!.Value].eq(0).all().item<bool>());
        Assert.False(words[config.PadTokenId!.Value + 1].eq(Untouched).any().item<bool>());
    }

    [Fact]
    public void NamedInitialisationIsReproducibleFromAGenerator()
    {
        static Tensor Build(ulong seed)
        {
            var config = TinyModels.Config();
            using var model = new RemBertForTokenClassification(config);
            RemBertWeightInitializer.Initialize(model, config, new[] { "classifier.weight" }, new Generator(seed));
            return model.state_dict()["classifier.weight"].clone();
        }
        using var first = Build(21);
        using var second = Build(21);
        using var other = Build(22);
        Assert.True(first.eq(second).all().item<bool>());
        Assert.False(first.eq(other).all().item<bool>());
    }

    [Fact]
    public void ANameOutsideTheStateDictIsRejectedByName()
    {
        var config = TinyModels.Config();
        using var model = new RemBertModel(config);
        var error = Assert.Throws<ArgumentException>(() =>
            RemBertWeightInitializer.Initialize(model, config, new[] { "pooler.dense.weight", "classifier.weight" }));
        Assert.Contains("classifier.weight", error.Message);
        Assert.DoesNotContain("pooler.dense.weight", error.Message);
    }

    private static void FillAll(nn.Module model, float value)
    {
        using var noGrad = no_grad();
        foreach (var parameter in model.parameters()) parameter.fill_(value);
    }
}
