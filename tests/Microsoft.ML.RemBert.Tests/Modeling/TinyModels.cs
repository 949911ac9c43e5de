using Microsoft.ML.RemBert.Modeling;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.RemBert.Tests.Modeling;

/// <summary>Small configurations and inputs for tests that need a model but not the reference weights.</summary>
internal static class TinyModels
{
    public const int Vocab = 30;
    public const int Batch = 2;
    public const int Length = 5;

    /// <summary>A small RemBERT; a wide initializer range makes logits differ enough for losses to be informative.</summary>
    public static RemBertConfig Config(int numLabels = 3) => new RemBertConfig
    {
        VocabSize = Vocab, HiddenSize = 8, NumHiddenLayers = 2, NumAttentionHeads = 2, InputEmbeddingSize = 6,
        OutputEmbeddingSize = 5, IntermediateSize = 16, MaxPositionEmbeddings = 16, InitializerRange = 0.5,
        PadTokenId = 0, BosTokenId = 1, EosTokenId = 2,
    }.WithLabels(Enumerable.Range(0, numLabels).Select(i => $"L{i}").ToArray());

    /// <summary>
    /// Builds a model in eval mode whose weights depend only on <paramref name="seed"/>: a private generator, because
    /// xunit runs test classes in parallel and they would race on libtorch's global one.
    /// </summary>
    public static T Build<T>(RemBertConfig config, string architecture, long seed = 1234) where T : RemBertPreTrainedModel
    {
        var model = (T)RemBertModelFactory.Create(config, architecture);
        model.InitializeWeights(new Generator((ulong)seed));
        model.eval();
        return model;
    }

    /// <summary>Token ids [rows…, Length] in 3..Vocab-1, the last two positions of the second row padding when <paramref name="padded"/>.</summary>
    public static (Tensor InputIds, Tensor AttentionMask) Inputs(long[] leadingShape, bool padded = true, long seed = 99)
    {
        var generator = new Generator((ulong)seed);
        var shape = leadingShape.Append(Length).ToArray();
        var ids = randint(3, Vocab, shape, dtype: ScalarType.Int64, generator: generator);
        var mask = ones(shape, dtype: ScalarType.Int64);
        if (padded)
        {
            var lastRow = mask.view(-1, Length)[-1];
            lastRow[TensorIndex.Slice(Length - 2)] = tensor(0L);
            ids.view(-1, Length)[-1][TensorIndex.Slice(Length - 2)] = tensor(0L);
        }
        return (ids, mask);
    }

    /// <summary>A tensor's values as doubles, row-major.</summary>
    public static double[] Values(Tensor t) => t.detach().cpu().to_type(ScalarType.Float64).contiguous().data<double>().ToArray();
}
