using Microsoft.ML.RemBert.Checkpoints;
using Microsoft.ML.RemBert.Modeling;
using Microsoft.ML.RemBert.Tests.Infrastructure;
using TorchSharp;
using Xunit;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Microsoft.ML.RemBert.Tests.Modeling.Precision;

/// <summary>
/// A checkpoint loaded in bfloat16 (weights in bfloat16; LayerNorm, softmax and final scores in float32) reproduces
/// the PyTorch float32 reference of every head within <see cref="RelativeTolerance"/> of the output's largest
/// magnitude, padded positions included, and its argmax agrees with float32's.
/// </summary>
public sealed class BFloat16ForwardTests(ITestOutputHelper output)
{
    /// <summary>
    /// The stated accuracy of bfloat16 inference: every output element within 5 % of the output's largest magnitude.
    /// bfloat16 keeps 8 significant bits (0.4 % relative rounding per weight and activation). Measured on these
    /// fixtures: 1.0-2.3 % for every head's logits and the hidden states, 3.7 % for the pooler (tanh near ±1, where a
    /// bfloat16 step is 0.4 % of the value).
    /// </summary>
    private const double RelativeTolerance = 0.05;
    private const int KeptVocabularyLogits = 64;
    private const int ChoicesPerQuestion = 2;

    private static readonly CheckpointLoadOptions BFloat16 = new() { Precision = RemBertPrecision.BFloat16, NativeBFloat16Check = _ => true };

    [SkippableTheory]
    [InlineData("base", "last_hidden_state", "last_hidden_state")]
    [InlineData("base", "pooler_output", "pooler_output")]
    [InlineData("seqcls", "seqcls_logits", "logits")]
    [InlineData("tokcls", "tokcls_logits", "logits")]
    [InlineData("qa", "qa_start_logits", "start_logits")]
    [InlineData("qa", "qa_end_logits", "end_logits")]
    public void EveryHeadStaysWithinToleranceOfTheFloat32Reference(string checkpoint, string expectedName, string outputName)
    {
        var fixture = ReferenceFixture.Load();
        using var model = RemBertCheckpoint.FromPretrained(fixture.Checkpoint(checkpoint), options: BFloat16);
        Assert.All(model.parameters(), p => Assert.Equal(ScalarType.BFloat16, p.dtype));
        using var outputs = ReferenceOutputTests.Run(fixture, model.ForwardOutputs);
        var actual = outputs.NamedTensors().Single(t => t.Name == outputName).Value;
        if (outputName.EndsWith("logits", StringComparison.Ordinal))
            Assert.Equal(ScalarType.Float32, actual.dtype); // final scores in float32
        ExpectClose(fixture, expectedName, actual);
    }

    [SkippableFact]
    public void EagerAttentionInBFloat16StaysWithinTolerance()
    {
        var fixture = ReferenceFixture.Load();
        using var model = ReferenceOutputTests.LoadModel<RemBertModel>(fixture, "base", RemBertAttentionImplementation.Eager);
        model.to(ScalarType.BFloat16);
        using var outputs = (BaseModelOutputWithPooling)ReferenceOutputTests.Run(fixture, model.ForwardOutputs);
        Assert.Equal(ScalarType.BFloat16, outputs.LastHiddenState.dtype); // hidden states stay in the model's type, as in transformers
        ExpectClose(fixture, "last_hidden_state", outputs.LastHiddenState);
        ExpectClose(fixture, "pooler_output", outputs.PoolerOutput!);
    }

    [SkippableFact]
    public void MultipleChoiceInBFloat16StaysWithinTolerance()
    {
        var fixture = ReferenceFixture.Load();
        using var model = RemBertCheckpoint.FromPretrained<RemBertForMultipleChoice>(fixture.Checkpoint("mc"), options: BFloat16);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        Tensor Group(Tensor rows) => rows.view(-1, ChoicesPerQuestion, rows.shape[^1]);
        using var outputs = model.forward(Group(fixture.InputIds()), Group(fixture.AttentionMask()), Group(fixture.TokenTypeIds()));
        ExpectClose(fixture, "mc_logits", outputs.Logits);
    }

    [SkippableTheory]
    [InlineData("mlm", "mlm")]
    [InlineData("causal", "causal_lm")]
    public void LanguageModelsInBFloat16StayWithinTolerance(string checkpoint, string outputPrefix)
    {
        var fixture = ReferenceFixture.Load();
        using var model = RemBertCheckpoint.FromPretrained(fixture.Checkpoint(checkpoint), options: BFloat16);
        using var scope = NewDisposeScope();
        using var outputs = (LogitsOutput)ReferenceOutputTests.Run(fixture, model.ForwardOutputs);
        Assert.Equal(ScalarType.Float32, outputs.Logits.dtype);
        ExpectClose(fixture, $"{outputPrefix}_logits_first64", outputs.Logits.narrow(-1, 0, KeptVocabularyLogits));
        ExpectClose(fixture, $"{outputPrefix}_logsumexp", outputs.Logits.logsumexp(-1));
    }

    // Not the language models: with random weights their 8,000 logits per position are near ties (bfloat16 flips 5.5 %
    // of those argmaxes while staying within tolerance of every logit). Trained classifiers are checked in the trainer tests.
    [SkippableTheory]
    [InlineData("seqcls")]
    [InlineData("tokcls")]
    public void PredictedClassesAgreeWithFloat32(string checkpoint)
    {
        var fixture = ReferenceFixture.Load();
        using var float32 = RemBertCheckpoint.FromPretrained(fixture.Checkpoint(checkpoint));
        using var bfloat16 = RemBertCheckpoint.FromPretrained(fixture.Checkpoint(checkpoint), options: BFloat16);
        using var scope = NewDisposeScope();
        var expected = ((LogitsOutput)ReferenceOutputTests.Run(fixture, float32.ForwardOutputs)).Logits;
        var actual = ((LogitsOutput)ReferenceOutputTests.Run(fixture, bfloat16.ForwardOutputs)).Logits;
        var mask = expected.dim() == 2 ? ones(expected.shape[0], dtype: ScalarType.Bool) : fixture.AttentionMask().to_type(ScalarType.Bool);
        var agree = expected.argmax(-1).eq(actual.argmax(-1)).masked_select(mask);
        double agreement = agree.to_type(ScalarType.Float64).mean().item<double>();
        output.WriteLine($"{checkpoint}: argmax agreement {agreement:P1} over {agree.numel()} predictions");
        Assert.True(agreement >= 0.99,
            $"{checkpoint}: bfloat16 agrees with float32 on {agreement:P1} of {agree.numel()} predictions");
    }

    private void ExpectClose(ReferenceFixture fixture, string name, Tensor actual)
    {
        var (shape, data) = fixture.Output(name);
        double scale = data.Max(x => Math.Abs((double)x));
        var values = actual.detach().cpu().to_type(ScalarType.Float32).contiguous().data<float>().ToArray();
        double worst = TensorAssert.MaxAbsDifference(data, values, out _);
        output.WriteLine($"{name}: max |bf16 - fp32 reference| = {worst:G4} = {worst / scale:P2} of max |x| {scale:G4}");
        TensorAssert.Close(name, shape, data, actual, RelativeTolerance * scale);
    }
}
