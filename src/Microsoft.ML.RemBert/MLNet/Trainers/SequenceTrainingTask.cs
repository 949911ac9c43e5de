using Microsoft.ML.RemBert.MLNet.Scoring;
using Microsoft.ML.RemBert.MLNet.Training;
using Microsoft.ML.RemBert.Modeling;
using Microsoft.ML.RemBert.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.RemBert.MLNet.Trainers;

/// <summary>
/// Sentence-level training for the training loop: batches padded to their own longest row (every window of every row
/// under <see cref="Microsoft.ML.RemBert.Trainers.LongTextStrategy.Windows"/>), a row's logits the mean of its windows'
/// logits, transformers' RemBertForSequenceClassification loss for the head's problem type as the weighted mean over
/// the rows, and the head's metric on validation.
/// </summary>
/// <remarks>
/// Windows are averaged before the loss (rather than each window being an example carrying its row's label): training
/// then optimises exactly the prediction scoring makes; a window that does not hold the evidence for a label is not
/// taught to predict it anyway (which would be label noise); and a row counts once, with its weight, however long it
/// is. The price is memory: a batch holds up to BatchSize × MaxWindows windows.
/// </remarks>
internal sealed class SequenceTrainingTask(SequenceProblem head, long padTokenId) : ITrainingTask<SequenceExample>
{
    public IReadOnlyList<TrainingMetric> Metrics => head.Metrics;

    public Tensor ComputeLoss(RemBertPreTrainedModel model, IReadOnlyList<SequenceExample> batch, Device device)
    {
        var classifier = (RemBertForSequenceClassification)model;
        var inputs = Collate(batch.Select(example => example.Windows).ToList(), padTokenId, device);
        var labels = head.LabelTensor(batch.Select(example => example.Label)).to(device);
        // One window per row, every weight 1: transformers' own loss, exactly.
        if (batch.All(example => example.Windows.Length == 1 && example.Weight == 1f))
            return classifier.forward(inputs.InputIds, inputs.AttentionMask, inputs.TokenTypeIds, labels).Loss!;
        var windowLogits = classifier.forward(inputs.InputIds, inputs.AttentionMask, inputs.TokenTypeIds).Logits;
        var logits = MeanOverWindows(windowLogits, batch.Select(example => example.Windows.Length).ToArray());
        var losses = RemBertLosses.SequenceClassificationPerExample(logits, labels, classifier.Config.ProblemType, classifier.Config.NumLabels);
        var weights = tensor(batch.Select(example => example.Weight).ToArray()).to(device);
        return losses.mul(weights).sum().div(weights.sum());
    }

    public IReadOnlyDictionary<string, double> Evaluate(RemBertPreTrainedModel model, IEnumerable<IReadOnlyList<SequenceExample>> batches, Device device)
    {
        var logits = new List<float[]>();
        var labels = new List<float[]>();
        foreach (var batch in batches)
        {
            using var scope = NewDisposeScope();
            var rows = batch.Select(example => example.Windows).ToList();
            logits.AddRange(Logits((RemBertForSequenceClassification)model, Collate(rows, padTokenId, device), WindowCounts(rows)));
            labels.AddRange(batch.Select(example => example.Label));
        }
        return head.Evaluate(logits, labels);
    }

    /// <summary>The batch's tensors on <paramref name="device"/>: every window of every row, in order, padded to the longest.</summary>
    public static RemBertBatchInputs Collate(IReadOnlyList<EncodedSequence[]> rows, long padTokenId, Device device)
    {
        var windows = rows.SelectMany(row => row).ToList();
        return RemBertBatchInputs.Pad(windows.Select(window => window.InputIds).ToList(), windows.Select(window => window.TokenTypeIds).ToList(), padTokenId, device);
    }

    /// <summary>How many windows each row has.</summary>
    public static int[] WindowCounts(IReadOnlyList<EncodedSequence[]> rows) => rows.Select(row => row.Length).ToArray();

    /// <summary>
    /// Each row's logits [rows, labels]: the mean of its <paramref name="windowCounts"/> consecutive windows' logits
    /// [windows, labels], in float32 (differentiable; the logits themselves when every row has one window).
    /// </summary>
    public static Tensor MeanOverWindows(Tensor windowLogits, int[] windowCounts)
    {
        if (windowCounts.All(count => count == 1))
            return windowLogits;
        using var scope = NewDisposeScope();
        var owner = tensor(windowCounts.SelectMany((count, row) => Enumerable.Repeat((long)row, count)).ToArray()).to(windowLogits.device);
        // Summed in float32 whatever the model computes in (bfloat16 logits would round every partial sum).
        var sums = zeros([windowCounts.Length, windowLogits.shape[1]], ScalarType.Float32, windowLogits.device)
            .index_add(0, owner, windowLogits.to_type(ScalarType.Float32), HeldScalars.One);
        var counts = tensor(windowCounts.Select(count => (float)count).ToArray()).to(windowLogits.device).unsqueeze(1);
        return sums.div(counts).MoveToOuterDisposeScope();
    }

    /// <summary>Each row's logits (the mean over its windows), copied out of the batch's tensors.</summary>
    public static float[][] Logits(RemBertForSequenceClassification model, RemBertBatchInputs inputs, int[] windowCounts)
    {
        using var output = model.forward(inputs.InputIds, inputs.AttentionMask, inputs.TokenTypeIds);
        var logits = MeanOverWindows(output.Logits, windowCounts).detach().cpu().to_type(ScalarType.Float32).contiguous();
        int rows = (int)logits.shape[0], labels = (int)logits.shape[1];
        float[] flat = logits.data<float>().ToArray();
        return Enumerable.Range(0, rows).Select(row => flat.AsSpan(row * labels, labels).ToArray()).ToArray();
    }
}
