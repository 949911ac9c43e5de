using Microsoft.ML.RemBert.MLNet.Trainers.QuestionAnswering;

namespace Microsoft.ML.RemBert.Onnx;

/// <summary>
/// Rows encoded for a question-answering model's span-logits ONNX export: every context window of every row is one
/// sequence of InputIds, AttentionMask and TokenTypeIds (<c>[windows, seq]</c>, a row's windows consecutive). The
/// graph gives StartLogits and EndLogits <c>[windows, seq]</c>; <see cref="Answers"/> applies the zip's span selection
/// and character mapping to them, which ONNX operators cannot express (substrings of the context, top-K spans over
/// every window of a row, answers found by several windows counted once).
/// </summary>
public sealed class QuestionAnsweringOnnxBatch : RemBertOnnxBatch
{
    private readonly IReadOnlyList<QuestionWindows> _rows;
    private readonly AnswerSpanSelector _selector;

    internal QuestionAnsweringOnnxBatch(IReadOnlyList<QuestionWindows> rows, AnswerSpanSelector selector, IReadOnlyList<OnnxInputTensor> inputs)
        : base(rows.Count, inputs)
    {
        _rows = rows;
        _selector = selector;
    }

    /// <summary>Context windows of each row (rows of the graph's outputs, in order).</summary>
    public IReadOnlyList<int> WindowCounts => _rows.Select(row => row.Windows.Count).ToArray();

    /// <summary>
    /// Each row's answers from the graph's outputs <c>StartLogits.output</c> and <c>EndLogits.output</c> (both
    /// <c>[windows, seq]</c>, row-major): the zip's PredictedAnswer, Score and AnswerStart columns.
    /// </summary>
    public IReadOnlyList<PredictedAnswers> Answers(IReadOnlyList<float> startLogits, IReadOnlyList<float> endLogits)
    {
        ArgumentNullException.ThrowIfNull(startLogits);
        ArgumentNullException.ThrowIfNull(endLogits);
        var ids = this["InputIds"];
        int windows = ids.Dimensions[0], length = ids.Dimensions[1];
        foreach (var (name, values) in new[] { ("start", startLogits), ("end", endLogits) })
        {
            if (values.Count != windows * length)
                throw new ArgumentException($"The {name} logits have {values.Count} values; [windows, seq] of this batch is [{windows}, {length}] = {windows * length}.");
        }
        float[] Window(IReadOnlyList<float> values, int window) => Enumerable.Range(window * length, length).Select(i => values[i]).ToArray();
        var answers = new PredictedAnswers[_rows.Count];
        int first = 0;
        for (int row = 0; row < _rows.Count; row++)
        {
            var windowsOfRow = Enumerable.Range(first, _rows[row].Windows.Count).ToArray();
            var selected = _selector.Select(_rows[row], windowsOfRow.Select(w => Window(startLogits, w)).ToArray(), windowsOfRow.Select(w => Window(endLogits, w)).ToArray());
            answers[row] = new PredictedAnswers(selected.Texts, selected.Scores, selected.Starts);
            first += windowsOfRow.Length;
        }
        return answers;
    }
}
