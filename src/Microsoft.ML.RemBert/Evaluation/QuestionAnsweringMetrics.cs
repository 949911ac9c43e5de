namespace Microsoft.ML.RemBert.Evaluation;

/// <summary>
/// Extractive question-answering scores as the official SQuAD v2.0 evaluation script reports them (without a
/// no-answer probability file): exact match and F1 as percentages in [0, 100], overall and split into questions
/// with an answer (HasAns) and without (NoAns). See <see cref="SquadMetrics"/> for how one question is scored.
/// </summary>
public sealed class QuestionAnsweringMetrics
{
    internal QuestionAnsweringMetrics(SquadTotals hasAnswer, SquadTotals noAnswer)
    {
        var all = hasAnswer + noAnswer;
        ExactMatch = all.ExactMatchPercent;
        F1Score = all.F1Percent;
        Count = all.Count;
        HasAnswerExactMatch = hasAnswer.ExactMatchPercent;
        HasAnswerF1Score = hasAnswer.F1Percent;
        HasAnswerCount = hasAnswer.Count;
        NoAnswerExactMatch = noAnswer.ExactMatchPercent;
        NoAnswerF1Score = noAnswer.F1Percent;
        NoAnswerCount = noAnswer.Count;
    }

    /// <summary>Percentage of questions whose prediction matches a gold answer after normalization (the script's <c>exact</c>); NaN without questions.</summary>
    public double ExactMatch { get; }

    /// <summary>Mean best token F1, as a percentage (the script's <c>f1</c>); NaN without questions.</summary>
    public double F1Score { get; }

    /// <summary>Questions evaluated (the script's <c>total</c>).</summary>
    public long Count { get; }

    /// <summary><see cref="ExactMatch"/> over questions with an answer (<c>HasAns_exact</c>); NaN when there is none.</summary>
    public double HasAnswerExactMatch { get; }

    /// <summary><see cref="F1Score"/> over questions with an answer (<c>HasAns_f1</c>); NaN when there is none.</summary>
    public double HasAnswerF1Score { get; }

    /// <summary>Questions with at least one non-empty gold answer (<c>HasAns_total</c>).</summary>
    public long HasAnswerCount { get; }

    /// <summary><see cref="ExactMatch"/> over unanswerable questions (<c>NoAns_exact</c>); NaN when there is none.</summary>
    public double NoAnswerExactMatch { get; }

    /// <summary><see cref="F1Score"/> over unanswerable questions (<c>NoAns_f1</c>); NaN when there is none.</summary>
    public double NoAnswerF1Score { get; }

    /// <summary>Questions without a gold answer (<c>NoAns_total</c>).</summary>
    public long NoAnswerCount { get; }
}
