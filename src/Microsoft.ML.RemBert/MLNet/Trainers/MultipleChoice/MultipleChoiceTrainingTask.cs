using Microsoft.ML.RemBert.MLNet.Training;
using Microsoft.ML.RemBert.Modeling;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.RemBert.MLNet.Trainers.MultipleChoice;

/// <summary>
/// Multiple choice for the training loop: rows collated to <c>[rows, choices, length]</c>, transformers'
/// RemBertForMultipleChoice loss (cross entropy over each row's choices; the weighted mean with example weights),
/// and on validation accuracy (the default metric) and log-loss.
/// </summary>
internal sealed class MultipleChoiceTrainingTask(long padTokenId) : ITrainingTask<MultipleChoiceExample>
{
    public IReadOnlyList<TrainingMetric> Metrics { get; } = [new("Accuracy", HigherIsBetter: true), new("LogLoss", HigherIsBetter: false)];

    public Tensor ComputeLoss(RemBertPreTrainedModel model, IReadOnlyList<MultipleChoiceExample> batch, Device device)
    {
        var inputs = MultipleChoiceBatch.Collate(batch.Select(example => example.Choices).ToList(), padTokenId, device);
        var labels = tensor(batch.Select(example => (long)example.Label).ToArray()).to(device);
        var chooser = (RemBertForMultipleChoice)model;
        // Every weight 1: transformers' own loss, exactly; otherwise the weighted mean of each row's cross entropy.
        if (batch.All(example => example.Weight == 1f))
            return chooser.forward(inputs.InputIds, inputs.AttentionMask, inputs.TokenTypeIds, labels).Loss!;
        var logits = chooser.forward(inputs.InputIds, inputs.AttentionMask, inputs.TokenTypeIds).Logits;
        var losses = nn.functional.cross_entropy(logits, labels, reduction: nn.Reduction.None);
        var weights = tensor(batch.Select(example => example.Weight).ToArray()).to(device);
        return losses.mul(weights).sum().div(weights.sum());
    }

    public IReadOnlyDictionary<string, double> Evaluate(RemBertPreTrainedModel model, IEnumerable<IReadOnlyList<MultipleChoiceExample>> batches, Device device)
    {
        int right = 0, total = 0;
        double logLoss = 0;
        foreach (var batch in batches)
        {
            using var scope = NewDisposeScope();
            var probabilities = MultipleChoiceBatch.Probabilities((RemBertForMultipleChoice)model,
                MultipleChoiceBatch.Collate(batch.Select(example => example.Choices).ToList(), padTokenId, device));
            right += batch.Where((example, i) => SequenceProblem.ArgMax(probabilities[i]) == example.Label).Count();
            logLoss -= batch.Select((example, i) => Math.Log(Math.Max(probabilities[i][example.Label], 1e-15))).Sum();
            total += batch.Count;
        }
        return new Dictionary<string, double>
        {
            ["Accuracy"] = right / (double)Math.Max(1, total),
            ["LogLoss"] = logLoss / Math.Max(1, total),
        };
    }
}
