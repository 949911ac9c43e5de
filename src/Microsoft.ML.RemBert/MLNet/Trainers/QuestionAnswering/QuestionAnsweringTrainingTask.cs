using Microsoft.ML.RemBert.Evaluation;
using Microsoft.ML.RemBert.MLNet.Scoring;
using Microsoft.ML.RemBert.MLNet.Training;
using Microsoft.ML.RemBert.Modeling;
using static TorchSharp.torch;

namespace Microsoft.ML.RemBert.MLNet.Trainers.QuestionAnswering;

/// <summary>
/// Question answering for the training loop: each example is one window, its loss transformers'
/// RemBertForQuestionAnswering loss (mean of the start and end cross entropies); validation gathers every window of
/// a question, picks its answer as inference does and scores SQuAD F1 (the default metric) and exact match (no-answer questions included).
/// </summary>
internal sealed class QuestionAnsweringTrainingTask(AnswerSpanSelector selector, long padTokenId) : ITrainingTask<QuestionAnsweringExample>
{
    public IReadOnlyList<TrainingMetric> Metrics { get; } = [new("F1Score", HigherIsBetter: true), new("ExactMatch", HigherIsBetter: true)];

    public Tensor ComputeLoss(RemBertPreTrainedModel model, IReadOnlyList<QuestionAnsweringExample> batch, Device device)
    {
        var inputs = Collate(batch.Select(example => example.Window).ToList(), padTokenId, device);
        var starts = tensor(batch.Select(example => (long)example.StartPosition).ToArray()).to(device);
        var ends = tensor(batch.Select(example => (long)example.EndPosition).ToArray()).to(device);
        return ((RemBertForQuestionAnswering)model).forward(inputs.InputIds, inputs.AttentionMask, inputs.TokenTypeIds, starts, ends).Loss!;
    }

    public IReadOnlyDictionary<string, double> Evaluate(RemBertPreTrainedModel model, IEnumerable<IReadOnlyList<QuestionAnsweringExample>> batches, Device device)
    {
        var logits = new Dictionary<TrainingQuestion, (float[][] Starts, float[][] Ends)>(ReferenceEqualityComparer.Instance);
        foreach (var batch in batches)
        {
            using var scope = NewDisposeScope();
            var (starts, ends) = Logits((RemBertForQuestionAnswering)model, Collate(batch.Select(example => example.Window).ToList(), padTokenId, device));
            for (int i = 0; i < batch.Count; i++)
            {
                var question = batch[i].Question;
                if (!logits.TryGetValue(question, out var windows))
                    logits[question] = windows = (new float[question.Windows.Windows.Count][], new float[question.Windows.Windows.Count][]);
                windows.Starts[batch[i].WindowIndex] = starts[i];
                windows.Ends[batch[i].WindowIndex] = ends[i];
            }
        }
        var evaluator = new QuestionAnsweringEvaluator();
        foreach (var (question, (starts, ends)) in logits)
            evaluator.Add([question.GoldAnswer], selector.Select(question.Windows, starts, ends).Best);
        var metrics = evaluator.GetMetrics();
        return new Dictionary<string, double> { ["F1Score"] = metrics.F1Score, ["ExactMatch"] = metrics.ExactMatch };
    }

    /// <summary>The windows' tensors on <paramref name="device"/>, padded to the longest.</summary>
    public static RemBertBatchInputs Collate(IReadOnlyList<ContextWindow> windows, long padTokenId, Device device)
        => RemBertBatchInputs.Pad(windows.Select(window => window.InputIds).ToList(), windows.Select(window => window.TokenTypeIds).ToList(), padTokenId, device);

    /// <summary>Each window's start and end logits, copied out of the batch's tensors (padding positions included).</summary>
    public static (float[][] Starts, float[][] Ends) Logits(RemBertForQuestionAnswering model, RemBertBatchInputs inputs)
    {
        using var output = model.forward(inputs.InputIds, inputs.AttentionMask, inputs.TokenTypeIds);
        return (Rows(output.StartLogits), Rows(output.EndLogits));
    }

    private static float[][] Rows(Tensor logits)
    {
        using var values = logits.detach().cpu().to_type(ScalarType.Float32).contiguous();
        int rows = (int)values.shape[0], length = (int)values.shape[1];
        float[] flat = values.data<float>().ToArray();
        return Enumerable.Range(0, rows).Select(row => flat.AsSpan(row * length, length).ToArray()).ToArray();
    }
}
