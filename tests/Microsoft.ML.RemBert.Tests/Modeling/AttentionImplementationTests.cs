using Microsoft.ML.RemBert.Modeling;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;
using Microsoft.ML.RemBert.Tests.Infrastructure;

namespace Microsoft.ML.RemBert.Tests.Modeling;

/// <summary>libtorch's fused scaled_dot_product_attention gives the numbers of the explicit softmax path.</summary>
public class AttentionImplementationTests
{
    private const double Tolerance = 1e-5;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void FusedAttentionEqualsExplicitSoftmaxWithPaddingAndCausalMasks(bool isDecoder)
    {
        using var scope = NewDisposeScope();
        var config = TinyModels.Config() with { IsDecoder = isDecoder, HiddenSize = 12, NumAttentionHeads = 3, IntermediateSize = 24 };
        using var fused = TinyModels.Build<RemBertModel>(config, RemBertArchitectures.Model);
        using var eager = TinyModels.Build<RemBertModel>(config with { AttentionImplementation = RemBertAttentionImplementation.Eager }, RemBertArchitectures.Model, seed: 7);
        eager.load_state_dict(fused.state_dict());
        var (ids, mask) = TinyModels.Inputs(new long[] { 3 });
        using var noGrad = no_grad();

        var expected = eager.forward(ids, mask);
        var actual = fused.forward(ids, mask);

        TensorAssert.Close("last_hidden_state", expected.LastHiddenState, actual.LastHiddenState, Tolerance);
        TensorAssert.Close("pooler_output", expected.PoolerOutput!, actual.PoolerOutput!, Tolerance);
    }

    [SkippableFact]
    public void FusedAttentionEqualsExplicitSoftmaxOnTheReferenceCausalModel()
    {
        var fixture = ReferenceFixture.Load();
        using var fused = ReferenceOutputTests.LoadModel<RemBertForCausalLM>(fixture, "causal");
        using var eager = ReferenceOutputTests.LoadModel<RemBertForCausalLM>(fixture, "causal", RemBertAttentionImplementation.Eager);
        using var scope = NewDisposeScope();

        using var expected = (CausalLMOutput)ReferenceOutputTests.Run(fixture, eager.ForwardOutputs);
        using var actual = (CausalLMOutput)ReferenceOutputTests.Run(fixture, fused.ForwardOutputs);

        TensorAssert.Close("logits", expected.Logits, actual.Logits, Tolerance);
    }

    [Fact]
    public void CausalAttentionIgnoresLaterTokens()
    {
        using var scope = NewDisposeScope();
        using var model = TinyModels.Build<RemBertModel>(TinyModels.Config() with { IsDecoder = true }, RemBertArchitectures.Model);
        var (ids, _) = TinyModels.Inputs(new long[] { 1 }, padded: false);
        var changed = ids.clone();
        changed[0, -1] = tensor(TinyModels.Vocab - 1L);
        using var noGrad = no_grad();

        var original = model.forward(ids).LastHiddenState;
        var edited = model.forward(changed).LastHiddenState;

        var prefix = TinyModels.Length - 1;
        TensorAssert.Close("positions before the edit", original.narrow(1, 0, prefix), edited.narrow(1, 0, prefix), 0);
        Assert.True((original[0, -1] - edited[0, -1]).abs().max().item<float>() > Tolerance);
    }

    [Fact]
    public void PaddedKeysDoNotChangeRealTokens()
    {
        using var scope = NewDisposeScope();
        using var model = TinyModels.Build<RemBertModel>(TinyModels.Config(), RemBertArchitectures.Model);
        var (ids, mask) = TinyModels.Inputs(new long[] { 1 }, padded: false);
        var length = TinyModels.Length - 2;
        mask[0, TensorIndex.Slice(length)] = tensor(0L);
        var otherPadding = ids.clone();
        otherPadding[0, TensorIndex.Slice(length)] = tensor(7L);
        using var noGrad = no_grad();

        var withPadding = model.forward(ids, mask).LastHiddenState.narrow(1, 0, length);
        var withOtherPadding = model.forward(otherPadding, mask).LastHiddenState.narrow(1, 0, length);
        var unpadded = model.forward(ids.narrow(1, 0, length)).LastHiddenState;

        TensorAssert.Close("padding token ids", withPadding, withOtherPadding, Tolerance);
        TensorAssert.Close("padded vs unpadded", unpadded, withPadding, Tolerance);
    }
}
