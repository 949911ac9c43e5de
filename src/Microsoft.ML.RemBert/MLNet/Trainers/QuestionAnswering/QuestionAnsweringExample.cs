using Microsoft.ML.RemBert.MLNet.Training;

namespace Microsoft.ML.RemBert.MLNet.Trainers.QuestionAnswering;

/// <summary>A training question: its windows and its gold answer text (empty when the context does not answer it).</summary>
internal sealed record TrainingQuestion(QuestionWindows Windows, string GoldAnswer);

/// <summary>
/// One window of a training question and its targets, as run_qa builds them: the answer's first and last token
/// when the whole answer lies inside this window's context, else both 0 ([CLS], "no answer here").
/// </summary>
internal sealed record QuestionAnsweringExample(TrainingQuestion Question, int WindowIndex, int StartPosition, int EndPosition) : ITrainingExample
{
    /// <summary>The window this example trains on.</summary>
    public ContextWindow Window => Question.Windows.Windows[WindowIndex];

    /// <inheritdoc/>
    public int Length => Window.InputIds.Length;

    /// <summary>
    /// The examples of one question: one per window, targets at the tokens covering the answer's characters
    /// <c>[answerStart, answerEnd)</c> of the context, or at [CLS] (no answer, or not wholly in the window).
    /// </summary>
    public static IEnumerable<QuestionAnsweringExample> ForQuestion(TrainingQuestion question, int answerStart, int answerEnd)
    {
        var windows = question.Windows.Windows;
        for (int w = 0; w < windows.Count; w++)
        {
            var (start, end) = answerStart < 0 ? (0, 0) : Targets(windows[w], answerStart, answerEnd);
            yield return new QuestionAnsweringExample(question, w, start, end);
        }
    }

    private static (int Start, int End) Targets(ContextWindow window, int answerStart, int answerEnd)
    {
        if (window.ContextStart == window.ContextEnd
            || window.Offsets[window.ContextStart].Start > answerStart || window.Offsets[window.ContextEnd - 1].End < answerEnd)
            return (0, 0);
        // The last token starting at or before the answer's first character, the first ending at or after its last.
        int start = window.ContextStart;
        while (start + 1 < window.ContextEnd && window.Offsets[start + 1].Start <= answerStart)
            start++;
        int end = window.ContextEnd - 1;
        while (end - 1 >= start && window.Offsets[end - 1].End >= answerEnd)
            end--;
        return (start, end);
    }
}
