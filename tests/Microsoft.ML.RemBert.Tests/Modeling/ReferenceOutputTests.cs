using Microsoft.ML.RemBert.Modeling;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;
using Microsoft.ML.RemBert.Tests.Infrastructure;

namespace Microsoft.ML.RemBert.Tests.Modeling;

/// <summary>
/// Every checkpoint in TestData/fixtures/rembert-reference, loaded into its architecture, reproduces every output of
/// the PyTorch float32 reference within 1e-4 absolute, padded positions included.
/// </summary>
public class ReferenceOutputTests
{
    private const double Tolerance = 1e-4;
    /// <summary>expected.json keeps only this many leading vocabulary logits per position.</summary>
    private const int KeptVocabularyLogits = 64;
    /// <summary>The multiple-choice reference groups consecutive rows in pairs: (0,1), (2,3), (4,5).</summary>
    private const int ChoicesPerQuestion = 2;

    [SkippableTheory]
    [InlineData("base", "last_hidden_state", "last_hidden_state")]
    [InlineData("base", "pooler_output", "pooler_output")]
    [InlineData("seqcls", "seqcls_logits", "logits")]
    [InlineData("tokcls", "tokcls_logits", "logits")]
    [InlineData("qa", "qa_start_logits", "start_logits")]
    [InlineData("qa", "qa_end_logits", "end_logits")]
    public void CheckpointReproducesReferenceOutput(string checkpoint, string expectedName, string outputName)
    {
        var fixture = ReferenceFixture.Load();
        using var model = LoadModel<RemBertPreTrainedModel>(fixture, checkpoint);
        using var output = Run(fixture, model.ForwardOutputs);
        Expect(fixture, expectedName, output.NamedTensors().Single(t => t.Name == outputName).Value);
    }

    [SkippableFact]
    public void EagerAttentionAlsoReproducesTheBaseModel()
    {
        var fixture = ReferenceFixture.Load();
        using var model = LoadModel<RemBertModel>(fixture, "base", RemBertAttentionImplementation.Eager);
        using var output = (BaseModelOutputWithPooling)Run(fixture, model.ForwardOutputs);
        Expect(fixture, "last_hidden_state", output.LastHiddenState);
        Expect(fixture, "pooler_output", output.PoolerOutput!);
    }

    [SkippableFact]
    public void MultipleChoiceMatchesLogitsOfRowPairs()
    {
        var fixture = ReferenceFixture.Load();
        using var model = LoadModel<RemBertForMultipleChoice>(fixture, "mc");
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        Tensor Group(Tensor rows) => rows.view(-1, ChoicesPerQuestion, rows.shape[^1]);
        using var output = model.forward(Group(fixture.InputIds()), Group(fixture.AttentionMask()), Group(fixture.TokenTypeIds()));
        Assert.Equal(new long[] { 3, ChoicesPerQuestion, 39 }, Group(fixture.InputIds()).shape);
        Expect(fixture, "mc_logits", output.Logits);
    }

    [SkippableTheory]
    [InlineData("mlm", "mlm")]
    [InlineData("causal", "causal_lm")]
    public void LanguageModelsMatchLeadingLogitsAndLogSumExp(string checkpoint, string outputPrefix)
    {
        var fixture = ReferenceFixture.Load();
        using var model = LoadModel<RemBertPreTrainedModel>(fixture, checkpoint);
        using var scope = NewDisposeScope();
        using var output = (LogitsOutput)Run(fixture, model.ForwardOutputs);
        Assert.Equal(model.Config.VocabSize, output.Logits.shape[^1]);
        Expect(fixture, $"{outputPrefix}_logits_first64", output.Logits.narrow(-1, 0, KeptVocabularyLogits));
        Expect(fixture, $"{outputPrefix}_logsumexp", output.Logits.logsumexp(-1));
    }

    [SkippableFact]
    public void CausalModelIsBuiltAsADecoder()
    {
        var fixture = ReferenceFixture.Load();
        var config = RemBertConfig.Load(fixture.Checkpoint("causal"));
        Assert.True(config.IsDecoder);
        Assert.IsType<RemBertForCausalLM>(RemBertModelFactory.Create(config));
    }

    /// <summary>Builds the architecture named in the checkpoint's config.json, loads its weights and switches to eval mode.</summary>
    internal static T LoadModel<T>(ReferenceFixture fixture, string checkpoint,
        RemBertAttentionImplementation implementation = RemBertAttentionImplementation.ScaledDotProduct) where T : RemBertPreTrainedModel
    {
        var config = RemBertConfig.Load(fixture.Checkpoint(checkpoint)) with { AttentionImplementation = implementation };
        var model = Assert.IsAssignableFrom<T>(RemBertModelFactory.Create(config));
        TestCheckpointLoader.LoadInto(model, fixture.Checkpoint(checkpoint));
        model.eval();
        return model;
    }

    internal static RemBertModelOutput Run(ReferenceFixture fixture, Func<Tensor, Tensor?, Tensor?, RemBertModelOutput> forward)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var output = forward(fixture.InputIds(), fixture.AttentionMask(), fixture.TokenTypeIds());
        foreach (var (_, tensor) in output.NamedTensors()) tensor.MoveToOuterDisposeScope();
        return output;
    }

    private static void Expect(ReferenceFixture fixture, string name, Tensor actual)
    {
        var (shape, data) = fixture.Output(name);
        TensorAssert.Close(name, shape, data, actual, Tolerance);
    }
}
