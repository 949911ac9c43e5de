using Microsoft.ML.RemBert.MLNet.Scoring;
using Microsoft.ML.RemBert.Modeling;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.RemBert.MLNet.Trainers.MultipleChoice;

/// <summary>
/// Multiple-choice batches, shared by training and scoring: the choices of every row padded to the batch's longest
/// encoding, as <c>[rows, choices, length]</c> tensors (the choices axis RemBertForMultipleChoice takes).
/// </summary>
internal static class MultipleChoiceBatch
{
    /// <summary>The batch's tensors on <paramref name="device"/>; every row has the same number of choices.</summary>
    public static RemBertBatchInputs Collate(IReadOnlyList<EncodedSequence[]> rows, long padTokenId, Device device)
    {
        int choices = rows[0].Length;
        var flat = rows.SelectMany(row => row).ToList();
        var padded = RemBertBatchInputs.Pad(flat.Select(choice => choice.InputIds).ToList(), flat.Select(choice => choice.TokenTypeIds).ToList(), padTokenId, device);
        long[] shape = [rows.Count, choices, padded.InputIds.shape[1]];
        return new RemBertBatchInputs(padded.InputIds.view(shape), padded.AttentionMask.view(shape), padded.TokenTypeIds.view(shape));
    }

    /// <summary>Each row's softmax probabilities over its choices, in choice order, copied out of the batch's tensors.</summary>
    public static float[][] Probabilities(RemBertForMultipleChoice model, RemBertBatchInputs inputs)
    {
        using var output = model.forward(inputs.InputIds, inputs.AttentionMask, inputs.TokenTypeIds);
        var probabilities = output.Logits.detach().to_type(ScalarType.Float32).softmax(-1).cpu().contiguous();
        int rows = (int)probabilities.shape[0], choices = (int)probabilities.shape[1];
        float[] flat = probabilities.data<float>().ToArray();
        return Enumerable.Range(0, rows).Select(row => flat.AsSpan(row * choices, choices).ToArray()).ToArray();
    }
}
