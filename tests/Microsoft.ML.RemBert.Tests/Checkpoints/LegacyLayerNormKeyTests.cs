using Microsoft.ML.RemBert.Checkpoints;
using Xunit;

namespace Microsoft.ML.RemBert.Tests.Checkpoints;

/// <summary>Checkpoints converted from TensorFlow by old tools name LayerNorm parameters <c>gamma</c>/<c>beta</c>;
/// transformers' from_pretrained renames them to <c>weight</c>/<c>bias</c> on load, so they must not be left as
/// "missing" (freshly initialised LayerNorms) and "unexpected".</summary>
public class LegacyLayerNormKeyTests
{
    [Fact]
    public void GammaAndBetaMatchLayerNormWeightAndBias_WithOrWithoutThePrefix()
    {
        string[] modelKeys = ["rembert.embeddings.LayerNorm.weight", "rembert.embeddings.LayerNorm.bias", "rembert.encoder.layer.0.output.LayerNorm.weight", "classifier.bias"];
        string[] checkpointKeys = ["embeddings.LayerNorm.gamma", "embeddings.LayerNorm.beta", "rembert.encoder.layer.0.output.LayerNorm.gamma", "classifier.bias"];

        var map = CheckpointKeyMap.Build(modelKeys, checkpointKeys, CheckpointLoadOptions.RemBertBasePrefix, []);

        Assert.Empty(map.Missing);
        Assert.Empty(map.Unexpected);
        Assert.Equal("embeddings.LayerNorm.gamma", map.ModelToCheckpoint["rembert.embeddings.LayerNorm.weight"]);
        Assert.Equal("embeddings.LayerNorm.beta", map.ModelToCheckpoint["rembert.embeddings.LayerNorm.bias"]);
        Assert.Equal("rembert.encoder.layer.0.output.LayerNorm.gamma", map.ModelToCheckpoint["rembert.encoder.layer.0.output.LayerNorm.weight"]);
    }

    [Fact]
    public void TheCurrentNameWinsWhenBothArePresent()
    {
        var map = CheckpointKeyMap.Build(["embeddings.LayerNorm.weight"], ["embeddings.LayerNorm.gamma", "embeddings.LayerNorm.weight"],
            CheckpointLoadOptions.RemBertBasePrefix, []);

        Assert.Equal("embeddings.LayerNorm.weight", map.ModelToCheckpoint["embeddings.LayerNorm.weight"]);
    }
}
