namespace Microsoft.ML.RemBert.Evaluation;

/// <summary>
/// Exact match and token F1 of the official SQuAD evaluation script (v2.0, which equals v1.1 on questions that
/// have an answer), on answers normalized by <see cref="SquadAnswerNormalizer"/>. Scores of one answer pair are
/// 0 or 1 (exact match) and in [0, 1] (F1).
/// </summary>
public static class SquadMetrics
{
    /// <summary>1 when the normalized answers are equal, else 0 (the script's <c>compute_exact</c>).</summary>
    /// <param name="goldAnswer">A reference answer.</param>
    /// <param name="predictedAnswer">The prediction.</param>
    public static double ExactMatch(string goldAnswer, string predictedAnswer)
        => SquadAnswerNormalizer.Normalize(goldAnswer) == SquadAnswerNormalizer.Normalize(predictedAnswer) ? 1 : 0;

    /// <summary>
    /// Bag-of-tokens F1 of the normalized answers (the script's <c>compute_f1</c>): shared tokens counted with
    /// multiplicity; when either side has no token, 1 if both have none, else 0.
    /// </summary>
    /// <param name="goldAnswer">A reference answer.</param>
    /// <param name="predictedAnswer">The prediction.</param>
    public static double F1Score(string goldAnswer, string predictedAnswer)
    {
        var gold = SquadAnswerNormalizer.Tokens(goldAnswer);
        var predicted = SquadAnswerNormalizer.Tokens(predictedAnswer);
        if (gold.Length == 0 || predicted.Length == 0)
            return gold.Length == predicted.Length ? 1 : 0;
        var goldCounts = gold.CountBy(token => token, StringComparer.Ordinal).ToDictionary(StringComparer.Ordinal);
        var shared = 0;
        foreach (var token in predicted)
            if (goldCounts.TryGetValue(token, out var left) && left > 0)
            {
                goldCounts[token] = left - 1;
                shared++;
            }
        if (shared == 0)
            return 0;
        var precision = (double)shared / predicted.Length;
        var recall = (double)shared / gold.Length;
        return 2 * precision * recall / (precision + recall);
    }

    /// <summary>
    /// Scores one question as the script does: gold answers that normalize to nothing are dropped; with none left
    /// the question is unanswerable and only an empty prediction scores; otherwise the best score over the gold
    /// answers, for exact match and F1 separately.
    /// </summary>
    /// <param name="goldAnswers">The reference answers (none, or only empty strings, for an unanswerable question).</param>
    /// <param name="predictedAnswer">The prediction; empty for "no answer".</param>
    public static (double ExactMatch, double F1Score) ScoreQuestion(IReadOnlyList<string> goldAnswers, string predictedAnswer)
    {
        ArgumentNullException.ThrowIfNull(goldAnswers);
        ArgumentNullException.ThrowIfNull(predictedAnswer);
        var scored = goldAnswers.Where(answer => SquadAnswerNormalizer.Normalize(answer).Length > 0).ToList();
        if (scored.Count == 0)
            scored.Add(string.Empty);
        return (scored.Max(answer => ExactMatch(answer, predictedAnswer)), scored.Max(answer => F1Score(answer, predictedAnswer)));
    }

    /// <summary>Scores every question and averages as the script's <c>make_eval_dict</c> does.</summary>
    /// <param name="questions">Each question's gold answers and prediction.</param>
    public static QuestionAnsweringMetrics Evaluate(IEnumerable<(IReadOnlyList<string> GoldAnswers, string PredictedAnswer)> questions)
    {
        ArgumentNullException.ThrowIfNull(questions);
        var evaluator = new QuestionAnsweringEvaluator();
        foreach (var (gold, predicted) in questions)
            evaluator.Add(gold, predicted);
        return evaluator.GetMetrics();
    }
}
