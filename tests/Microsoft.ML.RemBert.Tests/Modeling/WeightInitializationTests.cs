using Microsoft.ML.RemBert.Modeling;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Microsoft.ML.RemBert.Tests.Modeling;

/// <summary>New models are initialised as transformers' _init_weights does.</summary>
public class WeightInitializationTests
{
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
}
