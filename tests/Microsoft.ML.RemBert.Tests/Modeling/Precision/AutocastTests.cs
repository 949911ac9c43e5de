using Microsoft.ML.RemBert.Modeling;
using Microsoft.ML.RemBert.Tests.Infrastructure;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Microsoft.ML.RemBert.Tests.Modeling.Precision;

/// <summary>
/// <see cref="RemBertAutocast"/>: float32 weights computing in bfloat16 stay close to the float32 reference, the loss
/// and scores are float32, the gradients reach the float32 weights, and the scope is per thread and restored on exit.
/// </summary>
public sealed class AutocastTests
{
    [SkippableFact]
    public void MixedPrecisionForwardStaysCloseAndGradientsReachFloat32Weights()
    {
        var fixture = ReferenceFixture.Load();
        using var model = ReferenceOutputTests.LoadModel<RemBertForSequenceClassification>(fixture, "seqcls", RemBertAttentionImplementation.Eager);
        using var scope = NewDisposeScope();
        var labels = tensor(new long[] { 0, 1, 2, 0, 1, 2 });
        SequenceClassifierOutput outputs;
        using (RemBertAutocast.Enter(RemBertPrecision.BFloat16))
            outputs = model.forward(fixture.InputIds(), fixture.AttentionMask(), fixture.TokenTypeIds(), labels);
        Assert.Equal(ScalarType.Float32, outputs.Logits.dtype);
        Assert.Equal(ScalarType.Float32, outputs.Loss!.dtype);
        var (shape, data) = fixture.Output("seqcls_logits");
        TensorAssert.Close("seqcls_logits", shape, data, outputs.Logits, 0.03 * data.Max(Math.Abs));

        // The matmuls really ran in bfloat16: float32 compute reproduces the reference to 1e-4, this does not.
        var difference = TensorAssert.MaxAbsDifference(data, outputs.Logits.detach().contiguous().data<float>().ToArray(), out _);
        Assert.True(difference > 1e-4, $"autocast output equals float32's to {difference}: no bfloat16 compute happened");

        outputs.Loss.backward();
        Assert.All(model.parameters(), p =>
        {
            Assert.Equal(ScalarType.Float32, p.dtype);
            Assert.NotNull(p.grad);
            Assert.Equal(ScalarType.Float32, p.grad!.dtype);
        });
        Assert.True(model.parameters().Sum(p => p.grad!.abs().sum().item<float>()) > 0);
    }

    [Fact]
    public void ScopesNestRestoreAndBelongToTheirThread()
    {
        Assert.Null(RemBertAutocast.ComputeType);
        using (RemBertAutocast.Enter(RemBertPrecision.BFloat16))
        {
            Assert.Equal(ScalarType.BFloat16, RemBertAutocast.ComputeType);
            ScalarType? onAnotherThread = ScalarType.Float16;
            var thread = new Thread(() => onAnotherThread = RemBertAutocast.ComputeType);
            thread.Start();
            thread.Join();
            Assert.Null(onAnotherThread);
            using (RemBertAutocast.Enter(RemBertPrecision.Float32))
                Assert.Null(RemBertAutocast.ComputeType);
            Assert.Equal(ScalarType.BFloat16, RemBertAutocast.ComputeType);
        }
        Assert.Null(RemBertAutocast.ComputeType);
    }
}
