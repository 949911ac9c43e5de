using Microsoft.ML.RemBert.MLNet.Scoring;
using Microsoft.ML.RemBert.MLNet.Training;
using Microsoft.ML.RemBert.Modeling;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.RemBert.MLNet.Trainers;

/// <summary>
/// Sentence-level training for the training loop: batches padded to their own longest row, transformers'
/// RemBertForSequenceClassification loss for the head's problem type, and the head's metric on validation.
/// </summary>
internal sealed class SequenceTrainingTask(SequenceHead head, long padTokenId) : ITrainingTask<SequenceExample>
{
    public IReadOnlyList<TrainingMetric> Metrics => head.Metrics;

    public Tensor ComputeLoss(RemBertPreTrainedModel model, IReadOnlyList<SequenceExample> batch, Device device)
    {
        var inputs = Collate(batch, padTokenId, device);
        var labels = head.LabelTensor(batch.Select(example => example.Label)).to(device);
        return ((RemBertForSequenceClassification)model).forward(inputs.InputIds, inputs.AttentionMask, inputs.TokenTypeIds, labels).Loss!;
    }

    public IReadOnlyDictionary<string, double> Evaluate(RemBertPreTrainedModel model, IEnumerable<IReadOnlyList<SequenceExample>> batches, Device device)
    {
        var logits = new List<float[]>();
        var labels = new List<float[]>();
        foreach (var batch in batches)
        {
            using var scope = NewDisposeScope();
            logits.AddRange(Logits((RemBertForSequenceClassification)model, Collate(batch, padTokenId, device)));
            labels.AddRange(batch.Select(example => example.Label));
        }
        return head.Evaluate(logits, labels);
    }

    /// <summary>The batch's tensors on <paramref name="device"/>, padded to its longest row.</summary>
    public static RemBertBatchInputs Collate(IReadOnlyList<SequenceExample> batch, long padTokenId, Device device)
        => RemBertBatchInputs.Pad(batch.Select(example => example.Encoding.InputIds).ToList(),
            batch.Select(example => example.Encoding.TokenTypeIds).ToList(), padTokenId, device);

    /// <summary>Each row's logits, copied out of the batch's tensors.</summary>
    public static float[][] Logits(RemBertForSequenceClassification model, RemBertBatchInputs inputs)
    {
        using var output = model.forward(inputs.InputIds, inputs.AttentionMask, inputs.TokenTypeIds);
        var logits = output.Logits.detach().cpu().to_type(ScalarType.Float32).contiguous();
        int rows = (int)logits.shape[0], labels = (int)logits.shape[1];
        float[] flat = logits.data<float>().ToArray();
        return Enumerable.Range(0, rows).Select(row => flat.AsSpan(row * labels, labels).ToArray()).ToArray();
    }
}
