using Microsoft.ML.RemBert.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.RemBert.Modeling;

/// <summary>The losses of the task heads, computed exactly as transformers' RemBert heads compute them.</summary>
public static class RemBertLosses
{
    /// <summary>The label value cross entropy skips (PyTorch's and transformers' default <c>ignore_index</c>).</summary>
    public const long IgnoreIndex = -100;

    /// <summary>Mean cross entropy of logits [..., classes] against integer labels [...], skipping <paramref name="ignoreIndex"/>.</summary>
    public static Tensor CrossEntropy(Tensor logits, Tensor labels, long ignoreIndex = IgnoreIndex)
    {
        using var scope = NewDisposeScope();
        var flatLogits = logits.reshape(-1, logits.shape[^1]);
        var flatLabels = labels.reshape(-1).to_type(ScalarType.Int64);
        return nn.functional.cross_entropy(flatLogits, flatLabels, ignore_index: ignoreIndex).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The problem type transformers infers when config.json sets none: regression for one label, single-label
    /// classification for integer labels, multi-label classification otherwise.
    /// </summary>
    public static string InferProblemType(int numLabels, ScalarType labelsDtype) =>
        numLabels == 1 ? RemBertProblemType.Regression
        : labelsDtype is ScalarType.Int64 or ScalarType.Int32 ? RemBertProblemType.SingleLabelClassification
        : RemBertProblemType.MultiLabelClassification;

    /// <summary>
    /// Sequence-classification loss: MSE (regression), cross entropy (single label) or BCE with logits (multi label).
    /// Unlike transformers, the inferred problem type is not written back into the configuration, so concurrent calls
    /// never race on it.
    /// </summary>
    public static Tensor SequenceClassification(Tensor logits, Tensor labels, string? problemType, int numLabels)
    {
        using var scope = NewDisposeScope();
        var loss = (problemType ?? InferProblemType(numLabels, labels.dtype)) switch
        {
            RemBertProblemType.Regression when numLabels == 1 =>
                nn.functional.mse_loss(logits.squeeze(), labels.squeeze().to_type(logits.dtype)),
            RemBertProblemType.Regression => nn.functional.mse_loss(logits, labels.to_type(logits.dtype)),
            RemBertProblemType.SingleLabelClassification => CrossEntropy(logits.view(-1, numLabels), labels.view(-1)),
            RemBertProblemType.MultiLabelClassification =>
                nn.functional.binary_cross_entropy_with_logits(logits, labels.to_type(logits.dtype)),
            var other => throw new ArgumentException($"Unknown problem_type '{other}'.", nameof(problemType)),
        };
        return loss.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The per-example losses [batch] of <see cref="SequenceClassification"/> (whose mean over the batch is that loss),
    /// for a weighted mean: cross entropy per row (single label), squared error averaged over the row's targets
    /// (regression), BCE with logits averaged over the row's labels (multi label).
    /// </summary>
    internal static Tensor SequenceClassificationPerExample(Tensor logits, Tensor labels, string? problemType, int numLabels)
    {
        using var scope = NewDisposeScope();
        long rows = logits.shape[0];
        var loss = (problemType ?? InferProblemType(numLabels, labels.dtype)) switch
        {
            RemBertProblemType.Regression =>
                nn.functional.mse_loss(logits.reshape(rows, -1), labels.reshape(rows, -1).to_type(logits.dtype), nn.Reduction.None).mean([1]),
            RemBertProblemType.SingleLabelClassification =>
                nn.functional.cross_entropy(logits.view(-1, numLabels), labels.view(-1).to_type(ScalarType.Int64), reduction: nn.Reduction.None),
            RemBertProblemType.MultiLabelClassification =>
                nn.functional.binary_cross_entropy_with_logits(logits, labels.to_type(logits.dtype), reduction: nn.Reduction.None).mean([1]),
            var other => throw new ArgumentException($"Unknown problem_type '{other}'.", nameof(problemType)),
        };
        return loss.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Next-token loss: the logits at position t are scored against the label at t + 1 (the last position has no
    /// target), in float32, skipping <see cref="IgnoreIndex"/> — transformers' ForCausalLMLoss.
    /// </summary>
    public static Tensor ShiftedLanguageModeling(Tensor logits, Tensor labels)
    {
        using var scope = NewDisposeScope();
        var predictions = logits.narrow(1, 0, logits.shape[1] - 1).to_type(ScalarType.Float32);
        var targets = labels.narrow(1, 1, labels.shape[1] - 1);
        return CrossEntropy(predictions, targets).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Extractive-QA loss: the mean of the start and end cross entropies. Positions outside the sequence are clamped to
    /// the sequence length, which is the ignored index, so such examples do not count (as in transformers; the
    /// caller's position tensors are not modified).
    /// </summary>
    public static Tensor SpanExtraction(Tensor startLogits, Tensor endLogits, Tensor startPositions, Tensor endPositions)
    {
        using var scope = NewDisposeScope();
        var ignoredIndex = startLogits.shape[1];
        using var last = ignoredIndex.ToScalar();
        var start = Positions(startPositions).clamp(HeldScalars.Zero, last);
        var end = Positions(endPositions).clamp(HeldScalars.Zero, last);
        var startLoss = CrossEntropy(startLogits, start, ignoredIndex);
        var endLoss = CrossEntropy(endLogits, end, ignoredIndex);
        return startLoss.add(endLoss, HeldScalars.One).div(HeldScalars.Two).MoveToOuterDisposeScope();
    }

    /// <summary>[batch, 1] positions (as split across devices) become [batch].</summary>
    private static Tensor Positions(Tensor positions) => positions.dim() > 1 ? positions.squeeze(-1) : positions;
}
