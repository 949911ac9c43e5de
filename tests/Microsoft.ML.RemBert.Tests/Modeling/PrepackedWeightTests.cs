using Microsoft.ML.RemBert.Modeling;
using Microsoft.ML.RemBert.Modeling.Lora;
using TorchSharp;
using TorchSharp.Modules;
using Xunit;
using static TorchSharp.torch;

namespace Microsoft.ML.RemBert.Tests.Modeling;

/// <summary>
/// Weights prepacked for oneMKL (<see cref="PrepackedWeight"/>, what <c>PrepackWeights</c> turns on): the same scores
/// as libtorch's own linear at every row count, used only where the packed copy certainly equals the weight and no
/// gradient is needed, invisible to the state dict, dropped by a LoRA merge, freed with the model.
/// </summary>
public sealed class PrepackedWeightTests
{
    // Packing reorders the sums of the products: float32 rounding only (a wrong layout or a transposed weight is off by O(1)).
    private const double Tolerance = 1e-5;

    // Wide enough that oneMKL's packed kernels block the matrices; two layers, as every layer packs alike.
    private static RemBertConfig Config() => TinyModels.Config() with
    {
        HiddenSize = 64, NumAttentionHeads = 4, InputEmbeddingSize = 24, IntermediateSize = 160, InitializerRange = 0.05,
    };

    private static RemBertForSequenceClassification Build() =>
        TinyModels.Build<RemBertForSequenceClassification>(Config(), RemBertArchitectures.ForSequenceClassification);

    private static double[] Logits(RemBertForSequenceClassification model, long rows, long seed)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var (ids, mask) = TinyModels.Inputs([rows], padded: rows > 1, seed: seed);
        return TinyModels.Values(model.forward(ids, mask).Logits);
    }

    [Fact]
    public void PackedScoresEqualPlainOnesAtEveryRowCountAndTheStateDictIsUnchanged()
    {
        using var model = Build();
        var keys = model.state_dict().Keys.ToList();
        long[] rowCounts = [1, 3, 17];
        var plain = rowCounts.Select(rows => Logits(model, rows, seed: rows)).ToList();

        long bytes = PrepackedWeight.PackEncoder(model);

        // The projection in, then query, key, value, attention output, intermediate and output of each layer.
        Assert.Equal(1 + 6 * Config().NumHiddenLayers, PrepackedWeight.In(model).Count);
        Assert.Equal(PrepackedWeight.In(model).Sum(p => p.Bytes), bytes);
        Assert.Equal(keys, model.state_dict().Keys.ToList());
        for (int i = 0; i < rowCounts.Length; i++)
        {
            var packed = Logits(model, rowCounts[i], seed: rowCounts[i]);
            Assert.Equal(plain[i].Length, packed.Length);
            Assert.All(plain[i].Zip(packed), pair => Assert.InRange(Math.Abs(pair.First - pair.Second), 0, Tolerance));
        }
    }

    [Fact]
    public void ThePackServesOnlyEvalFloat32CpuPassesWithoutGradientsOnTheWeightItWasMadeFrom()
    {
        using var model = Build();
        PrepackedWeight.PackEncoder(model);
        var layer = EncoderLinear(model, "encoder.layer.0.attention.self.query");
        var pack = PrepackedWeight.Find(layer)!;
        using var input = randn(2, 3, 64);

        using (no_grad())
            Assert.True(pack.Serves(layer, input));
        // Gradients on: the packed product is not differentiable.
        Assert.False(pack.Serves(layer, input));
        using (no_grad())
        {
            using var bfloat16 = input.to(ScalarType.BFloat16);
            Assert.False(pack.Serves(layer, bfloat16));
            model.train();
            Assert.False(pack.Serves(layer, input));
            model.eval();
            Assert.True(pack.Serves(layer, input));
            // New storage for the weight (what a conversion or a move gives; the layer owns and frees it): the pack
            // describes the old one.
            layer.weight = new Parameter(layer.weight!.detach().clone());
            Assert.False(pack.Serves(layer, input));
        }
    }

    [Fact]
    public void ALoraMergeDropsThePackOfItsLayerAndScoresFollowTheMergedWeight()
    {
        using var model = Build();
        var layer = EncoderLinear(model, "encoder.layer.1.intermediate.dense");
        var adapter = LoraAdapter.Attach(layer, rank: 2, scaling: 1.0, dropout: 0.0, new Generator(5));
        using (no_grad())
            adapter.B.normal_(0, 0.5, new Generator(6));
        PrepackedWeight.PackEncoder(model);
        var withAdapter = Logits(model, 3, seed: 8);

        LoraAdapter.MergeAndRemove(layer);

        Assert.Null(PrepackedWeight.Find(layer));
        Assert.Equal(1 + 6 * Config().NumHiddenLayers - 1, PrepackedWeight.In(model).Count);
        Assert.All(withAdapter.Zip(Logits(model, 3, seed: 8)), pair => Assert.InRange(Math.Abs(pair.First - pair.Second), 0, 1e-4));
    }

    [Fact]
    public void DisposingTheModelFreesEveryPackAndRemoveAllFreesThemAtOnce()
    {
        var model = Build();
        PrepackedWeight.PackEncoder(model);
        var first = PrepackedWeight.In(model);
        PrepackedWeight.PackEncoder(model); // packing again replaces the packs, freeing the old ones
        var second = PrepackedWeight.In(model);

        Assert.All(first, pack => Assert.True(pack.IsFreed));
        Assert.All(second, pack => Assert.False(pack.IsFreed));
        model.Dispose();
        Assert.All(second, pack => Assert.True(pack.IsFreed));

        using var other = Build();
        PrepackedWeight.PackEncoder(other);
        var packs = PrepackedWeight.In(other);
        Assert.Equal(packs.Count, PrepackedWeight.RemoveAll(other));
        Assert.All(packs, pack => Assert.True(pack.IsFreed));
        Assert.Empty(PrepackedWeight.In(other));
    }

    [Fact]
    public void ABFloat16ModelIsPackedByOneDnnAtItsWeightsSizeAndScoresAsBefore()
    {
        using var model = Build();
        model.to(ScalarType.BFloat16);
        long[] rowCounts = [1, 3];
        var plain = rowCounts.Select(rows => Logits(model, rows, seed: rows)).ToList();

        long bytes = PrepackedWeight.PackEncoder(model);

        long weightBytes = model.BaseModel.named_parameters().Where(p => p.name.StartsWith("encoder.", StringComparison.Ordinal) && p.name.EndsWith(".weight", StringComparison.Ordinal)
            && p.parameter.dim() == 2).Sum(p => p.parameter.NumberOfElements * p.parameter.ElementSize);
        Assert.Equal(weightBytes, bytes);
        using (no_grad())
        using (var input = randn(2, 3, 64).to(ScalarType.BFloat16))
        {
            var layer = EncoderLinear(model, "encoder.layer.0.attention.self.value");
            Assert.True(PrepackedWeight.Find(layer)!.Serves(layer, input));
            using var float32 = input.to(ScalarType.Float32);
            Assert.False(PrepackedWeight.Find(layer)!.Serves(layer, float32));
        }
        for (int i = 0; i < rowCounts.Length; i++)
        {
            // oneDNN rounds the bias and the sum to bfloat16 in another order than libtorch's linear: a few bfloat16
            // steps over these logits (about 1), where a wrong layout moves them by their whole size.
            var packed = Logits(model, rowCounts[i], seed: rowCounts[i]);
            Assert.All(plain[i].Zip(packed), pair => Assert.InRange(Math.Abs(pair.First - pair.Second), 0, 0.05));
        }
    }

    [Fact]
    public void AnInputOfTheWrongWidthIsAnErrorAsWithoutThePack()
    {
        using var model = Build();
        PrepackedWeight.PackEncoder(model);
        var layer = EncoderLinear(model, "encoder.layer.0.output.dense"); // 160 features in
        using var _ = no_grad();
        using var input = randn(2, 3, 64);
        var error = Assert.Throws<ArgumentException>(() => PrecisionOpsLinear(layer, input));
        Assert.Contains("160 features, not a Float32 CPU tensor of shape [2, 3, 64]", error.Message);
    }

    private static Tensor PrecisionOpsLinear(Linear layer, Tensor input) => PrecisionOps.Linear(layer, input);

    [Fact]
    public void OnlyCpuWeightsInFloat32OrBFloat16ArePackable()
    {
        Assert.Null(PrepackedWeight.WhyNotPackable(ScalarType.Float32, DeviceType.CPU));
        Assert.Null(PrepackedWeight.WhyNotPackable(ScalarType.BFloat16, DeviceType.CPU));
        Assert.Equal("Weights are prepacked only in float32 or bfloat16, not Float16.", PrepackedWeight.WhyNotPackable(ScalarType.Float16, DeviceType.CPU));
        Assert.Equal("Weights are prepacked only on the CPU, not on CUDA.", PrepackedWeight.WhyNotPackable(ScalarType.Float32, DeviceType.CUDA));
    }

    [Theory]
    [InlineData(ScalarType.Float32)]
    [InlineData(ScalarType.BFloat16)]
    public void ConcurrentPackedForwardPassesEqualSequentialOnes(ScalarType type)
    {
        using var model = Build();
        model.to(type);
        PrepackedWeight.PackEncoder(model);
        var sequential = Enumerable.Range(0, 4).Select(t => Logits(model, 1 + t, seed: 40 + t)).ToArray();
        var concurrent = new double[4][][];
        var threads = Enumerable.Range(0, 4).Select(t => new Thread(() =>
            concurrent[t] = Enumerable.Range(0, 20).Select(_ => Logits(model, 1 + t, seed: 40 + t)).ToArray())).ToList();
        threads.ForEach(thread => thread.Start());
        threads.ForEach(thread => thread.Join());
        for (int t = 0; t < 4; t++)
            Assert.All(concurrent[t], pass => Assert.Equal(sequential[t], pass));
    }

    private static Linear EncoderLinear(RemBertPreTrainedModel model, string name) =>
        (Linear)model.BaseModel.named_modules().Single(pair => pair.name == name).module;
}
