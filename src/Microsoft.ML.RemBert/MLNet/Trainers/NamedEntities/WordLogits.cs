using Microsoft.ML.RemBert.MLNet.Scoring;
using Microsoft.ML.RemBert.Modeling;
using static TorchSharp.torch;

namespace Microsoft.ML.RemBert.MLNet.Trainers.NamedEntities;

/// <summary>The logits of chosen token positions of a batch, gathered on the model's device and copied out once.</summary>
internal static class WordLogits
{
    /// <summary>
    /// Runs <paramref name="model"/> on <paramref name="inputs"/> and returns the logits (one per tag) at each of
    /// <paramref name="positions"/> (window = batch row, position = token), in order. Call inside a dispose scope.
    /// </summary>
    public static float[][] Gather(RemBertForTokenClassification model, RemBertBatchInputs inputs, IReadOnlyList<WordPlacement> positions)
    {
        if (positions.Count == 0)
            return [];
        using var output = model.forward(inputs.InputIds, inputs.AttentionMask, inputs.TokenTypeIds);
        var device = output.Logits.device;
        var rows = tensor(positions.Select(placement => (long)placement.Window).ToArray()).to(device);
        var columns = tensor(positions.Select(placement => (long)placement.Position).ToArray()).to(device);
        var picked = output.Logits.index([TensorIndex.Tensor(rows), TensorIndex.Tensor(columns)]).detach().cpu().to_type(ScalarType.Float32).contiguous();
        int tags = (int)picked.shape[1];
        float[] flat = picked.data<float>().ToArray();
        return Enumerable.Range(0, positions.Count).Select(i => flat.AsSpan(i * tags, tags).ToArray()).ToArray();
    }
}
