using Microsoft.ML.RemBert.MLNet.Training;
using Microsoft.ML.RemBert.Modeling;
using Microsoft.ML.RemBert.Tests.Modeling;
using TorchSharp.Modules;
using Xunit;
using static TorchSharp.torch;

namespace Microsoft.ML.RemBert.Tests.MLNet.Training;

/// <summary>
/// The trainers' optimizer holds its scalars (issue 25) but must step exactly as TorchSharp's AdamW, which the
/// trainers used before: same weights, bit for bit, after several steps with weight decay on one group and a changing
/// learning rate.
/// </summary>
public sealed class HeldScalarAdamWTests
{
    [Fact]
    public void StepsGiveExactlyTorchSharpsAdamWWeights()
    {
        using var ours = TinyModels.Build<RemBertForSequenceClassification>(TinyModels.Config(), RemBertArchitectures.ForSequenceClassification, seed: 5);
        using var theirs = TinyModels.Build<RemBertForSequenceClassification>(TinyModels.Config(), RemBertArchitectures.ForSequenceClassification, seed: 5);
        var initial = Weights(ours);
        using var held = DecoupledWeightDecay.CreateOptimizer(ours, 1e-2, 0.01);
        Assert.IsType<HeldScalarAdamW>(held);
        var groups = new List<AdamW.ParamGroup>
        {
            new(Trainable(theirs, exempt: false), lr: 1e-2, beta1: 0.9, beta2: 0.999, eps: 1e-8, weight_decay: 0.01),
            new(Trainable(theirs, exempt: true), lr: 1e-2, beta1: 0.9, beta2: 0.999, eps: 1e-8, weight_decay: 0),
        };
        using var reference = new AdamW(groups, lr: 1e-2, beta1: 0.9, beta2: 0.999, eps: 1e-8, weight_decay: 0.01);

        var (ids, mask) = TinyModels.Inputs([TinyModels.Batch]);
        using var labels = tensor(new long[] { 0, 2 });
        for (int step = 0; step < 4; step++)
        {
            double lr = 1e-2 / (step + 1); // as the schedule sets it before each step
            Step(ours, held, ids, mask, labels, lr);
            Step(theirs, reference, ids, mask, labels, lr);
        }

        var after = Weights(ours);
        Assert.Equal(Weights(theirs), after);
        Assert.Contains(initial.Keys, name => !initial[name].SequenceEqual(after[name])); // the steps did change the weights
    }

    private static List<TorchSharp.Modules.Parameter> Trainable(RemBertPreTrainedModel model, bool exempt) =>
        model.named_parameters().Where(p => DecoupledWeightDecay.IsExempt(p.name) == exempt).Select(p => p.parameter).ToList();

    private static void Step(RemBertForSequenceClassification model, OptimizerHelper optimizer, Tensor ids, Tensor mask, Tensor labels, double lr)
    {
        using var scope = NewDisposeScope();
        foreach (var group in optimizer.ParamGroups) group.LearningRate = lr;
        optimizer.zero_grad();
        model.forward(ids, mask, labels: labels).Loss!.backward();
        optimizer.step();
    }

    private static Dictionary<string, float[]> Weights(RemBertPreTrainedModel model) =>
        model.named_parameters().ToDictionary(p => p.name, p => p.parameter.detach().data<float>().ToArray());
}
