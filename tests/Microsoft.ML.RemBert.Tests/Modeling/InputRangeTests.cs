using Microsoft.ML.RemBert.Modeling;
using Xunit;
using static TorchSharp.torch;

namespace Microsoft.ML.RemBert.Tests.Modeling;

/// <summary>Ids outside the embedding tables (a tokenizer of another vocabulary, a third token type) and empty sequences
/// fail with the argument, the value and the config limit named, not with libtorch's "index out of range in self".</summary>
public class InputRangeTests
{
    [Theory]
    [InlineData(TinyModels.Vocab, "vocab_size")]
    [InlineData(-1, "vocab_size")]
    public void TokenIdOutsideTheVocabulary_NamesTheIdAndVocabSize(long badId, string limit)
    {
        using var scope = NewDisposeScope();
        using var model = TinyModels.Build<RemBertModel>(TinyModels.Config(), RemBertArchitectures.Model);
        var ids = tensor(new long[] { 1, badId, 2 }).unsqueeze(0);

        var error = Assert.Throws<ArgumentException>(() => model.forward(ids));

        Assert.Equal("input_ids", error.ParamName);
        Assert.Contains(limit, error.Message);
        Assert.Contains(badId.ToString(), error.Message);
    }

    [Fact]
    public void TokenTypeBeyondTypeVocabSize_NamesTypeVocabSize()
    {
        using var scope = NewDisposeScope();
        using var model = TinyModels.Build<RemBertForSequenceClassification>(TinyModels.Config(), RemBertArchitectures.ForSequenceClassification);
        var ids = tensor(new long[] { 1, 5, 2 }).unsqueeze(0);
        var types = tensor(new int[] { 0, 2, 0 }).unsqueeze(0);

        var error = Assert.Throws<ArgumentException>(() => model.forward(ids, token_type_ids: types));

        Assert.Equal("token_type_ids", error.ParamName);
        Assert.Contains("type_vocab_size", error.Message);
    }

    [Fact]
    public void Int32InputsGiveTheSameOutputsAsInt64()
    {
        using var scope = NewDisposeScope();
        using var model = TinyModels.Build<RemBertModel>(TinyModels.Config(), RemBertArchitectures.Model);
        var (ids, mask) = TinyModels.Inputs(new long[] { TinyModels.Batch });
        using var noGrad = no_grad();

        var wide = model.forward(ids, mask, zeros_like(ids)).LastHiddenState;
        var narrow = model.forward(ids.to_type(ScalarType.Int32), mask.to_type(ScalarType.Int32), zeros_like(ids, dtype: ScalarType.Int32)).LastHiddenState;

        Assert.True(wide.allclose(narrow));
    }

    [Fact]
    public void EmptySequence_IsReportedByArgumentName()
    {
        using var scope = NewDisposeScope();
        using var model = TinyModels.Build<RemBertModel>(TinyModels.Config(), RemBertArchitectures.Model);
        var empty = zeros(1, 0, dtype: ScalarType.Int64);

        Assert.Equal("input_ids", Assert.Throws<ArgumentException>(() => model.forward(empty)).ParamName);
    }
}
