using Microsoft.ML.RemBert.Modeling;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Microsoft.ML.RemBert.Tests.Modeling;

/// <summary>
/// The thread-safety claim of <see cref="RemBertPreTrainedModel"/>: in eval mode, with each thread under its own
/// no_grad, concurrent forward passes on one model give exactly the sequential results.
/// </summary>
public class ConcurrentInferenceTests
{
    private const int Threads = 4;
    private const int PassesPerThread = 25;

    [Fact]
    public void ConcurrentForwardPassesEqualSequentialOnes()
    {
        using var model = TinyModels.Build<RemBertForSequenceClassification>(TinyModels.Config(), RemBertArchitectures.ForSequenceClassification);
        var inputs = Enumerable.Range(0, Threads).Select(i => TinyModels.Inputs(new long[] { TinyModels.Batch }, seed: 100 + i)).ToArray();
        var sequential = inputs.Select(input => Logits(model, input)).ToArray();

        var concurrent = new float[Threads][][];
        var threads = Enumerable.Range(0, Threads).Select(t => new Thread(() =>
        {
            concurrent[t] = Enumerable.Range(0, PassesPerThread).Select(_ => Logits(model, inputs[t])).ToArray();
        })).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());

        for (var t = 0; t < Threads; t++)
            foreach (var pass in concurrent[t])
                Assert.Equal(sequential[t], pass);
        Assert.False(model.training);
    }

    private static float[] Logits(RemBertForSequenceClassification model, (Tensor InputIds, Tensor AttentionMask) input)
    {
        using var noGrad = no_grad();
        using var output = model.forward(input.InputIds, input.AttentionMask);
        return output.Logits.data<float>().ToArray();
    }
}
