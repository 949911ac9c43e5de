namespace Microsoft.ML.RemBert.Evaluation;

/// <summary>
/// Accumulates questions (gold answers and prediction) and gives the SQuAD v2.0 script's totals, with its
/// HasAns/NoAns split. Not thread-safe.
/// </summary>
public sealed class QuestionAnsweringEvaluator
{
    private SquadTotals _hasAnswer;
    private SquadTotals _noAnswer;

    /// <summary>Adds one question.</summary>
    /// <param name="goldAnswers">The reference answers; empty strings mean "no answer" and are not counted as answers.</param>
    /// <param name="predictedAnswer">The prediction; empty for "no answer".</param>
    public void Add(IReadOnlyList<string> goldAnswers, string predictedAnswer)
    {
        var (exact, f1) = SquadMetrics.ScoreQuestion(goldAnswers, predictedAnswer);
        // The script's HasAns is "the answer list is not empty", before normalization: an answer "the" counts as
        // an answer here yet is scored as a no-answer question, exactly as the script does.
        if (goldAnswers.Any(answer => answer.Length > 0))
            _hasAnswer = _hasAnswer.Add(exact, f1);
        else
            _noAnswer = _noAnswer.Add(exact, f1);
    }

    /// <summary>The metrics of every question added so far.</summary>
    public QuestionAnsweringMetrics GetMetrics() => new(_hasAnswer, _noAnswer);
}
