using Microsoft.ML.RemBert.Modeling;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;
using Microsoft.ML.RemBert.Tests.Infrastructure;

namespace Microsoft.ML.RemBert.Tests.Modeling;

/// <summary>Input defaults and checks, and the dispose-scope contract of the forward passes.</summary>
public class ForwardContractTests
{
    [Fact]
    public void MissingMaskAndTokenTypesDefaultToAllOnesAndZeros()
    {
        using var scope = NewDisposeScope();
        using var model = TinyModels.Build<RemBertModel>(TinyModels.Config(), RemBertArchitectures.Model);
        var (ids, _) = TinyModels.Inputs(new long[] { TinyModels.Batch }, padded: false);
        using var noGrad = no_grad();

        var defaults = model.forward(ids).LastHiddenState;
        var explicitInputs = model.forward(ids, ones_like(ids), zeros_like(ids)).LastHiddenState;
        var otherTypes = model.forward(ids, ones_like(ids), ones_like(ids)).LastHiddenState;

        Assert.True(defaults.eq(explicitInputs).all().item<bool>());
        Assert.False(defaults.allclose(otherTypes));
    }

    [Fact]
    public void ForwardLeavesOnlyItsOutputsInTheCallersScope()
    {
        using var model = TinyModels.Build<RemBertForQuestionAnswering>(TinyModels.Config(), RemBertArchitectures.ForQuestionAnswering);
        var (ids, mask) = TinyModels.Inputs(new long[] { TinyModels.Batch });
        using var positions = tensor(new long[] { 1, 2 });
        using var scope = NewDisposeScope();
        var before = scope.DisposablesCount;

        using var output = model.forward(ids, mask, start_positions: positions, end_positions: positions);

        Assert.Equal(3, output.NamedTensors().Count);
        Assert.Equal(before + 3, scope.DisposablesCount);
    }

    [Fact]
    public void BadInputsAreReportedByArgumentName()
    {
        using var scope = NewDisposeScope();
        using var model = TinyModels.Build<RemBertModel>(TinyModels.Config(), RemBertArchitectures.Model);
        var (ids, mask) = TinyModels.Inputs(new long[] { TinyModels.Batch });

        Assert.Equal("input_ids", Assert.Throws<ArgumentException>(() => model.forward(ids.to_type(ScalarType.Float32))).ParamName);
        Assert.Equal("input_ids", Assert.Throws<ArgumentException>(() => model.forward(ids.unsqueeze(0))).ParamName);
        Assert.Equal("attention_mask", Assert.Throws<ArgumentException>(() => model.forward(ids, mask.narrow(1, 0, 2))).ParamName);
        Assert.Equal("token_type_ids", Assert.Throws<ArgumentException>(() => model.forward(ids, mask, mask.unsqueeze(0))).ParamName);
        var tooLong = zeros(1, TinyModels.Config().MaxPositionEmbeddings + 1, dtype: ScalarType.Int64);
        Assert.Contains("max_position_embeddings", Assert.Throws<ArgumentException>(() => model.forward(tooLong)).Message);
    }

    [Fact]
    public void MultipleChoiceRequiresAChoicesDimension()
    {
        using var scope = NewDisposeScope();
        using var model = TinyModels.Build<RemBertForMultipleChoice>(TinyModels.Config(), RemBertArchitectures.ForMultipleChoice);
        var (ids, _) = TinyModels.Inputs(new long[] { TinyModels.Batch });
        Assert.Equal("input_ids", Assert.Throws<ArgumentException>(() => model.forward(ids)).ParamName);
    }

    [Fact]
    public void PerQueryMaskIsUsedAsGiven()
    {
        using var scope = NewDisposeScope();
        using var model = TinyModels.Build<RemBertModel>(TinyModels.Config(), RemBertArchitectures.Model);
        var (ids, _) = TinyModels.Inputs(new long[] { TinyModels.Batch }, padded: false);
        using var noGrad = no_grad();
        var lowerTriangle = ones(TinyModels.Length, TinyModels.Length, dtype: ScalarType.Int64).tril().expand(TinyModels.Batch, -1, -1);

        var perQuery = model.forward(ids, lowerTriangle).LastHiddenState;
        using var decoder = TinyModels.Build<RemBertModel>(TinyModels.Config() with { IsDecoder = true }, RemBertArchitectures.Model);
        var causal = decoder.forward(ids).LastHiddenState;

        TensorAssert.Close("3-D lower-triangular mask vs is_decoder", causal, perQuery, 1e-6);
    }

    [Theory]
    [InlineData("gelu_python", "gelu")]
    [InlineData("swish", "silu")]
    public void ActivationAliasesComputeTheSameFunction(string alias, string name)
    {
        using var scope = NewDisposeScope();
        var x = linspace(-4, 4, 81);
        using var aliased = RemBertActivation.Create(alias);
        using var canonical = RemBertActivation.Create(name);
        Assert.True(aliased.forward(x).eq(canonical.forward(x)).all().item<bool>());
    }

    [Fact]
    public void GeluNewIsTheTanhApproximation()
    {
        using var scope = NewDisposeScope();
        var x = linspace(-4, 4, 81, dtype: ScalarType.Float64);
        using var geluNew = RemBertActivation.Create("gelu_new");
        var expected = 0.5 * x * (1 + tanh(Math.Sqrt(2 / Math.PI) * (x + 0.044715 * x.pow(3))));
        TensorAssert.Close("gelu_new", expected, geluNew.forward(x), 1e-12);
    }
}
