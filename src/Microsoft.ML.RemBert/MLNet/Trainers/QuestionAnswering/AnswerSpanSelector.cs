namespace Microsoft.ML.RemBert.MLNet.Trainers.QuestionAnswering;

/// <summary>
/// Turns the start and end logits of every window of a question into its ranked answers, as transformers' run_qa
/// post-processing does for SQuAD 2.0: in each window the <see cref="CandidatesPerWindow"/> best starts and ends are
/// paired into spans inside the context with start &lt;= end and at most <see cref="MaxAnswerLength"/> tokens, scored by
/// start + end logit; "no answer" scores the smallest [CLS] start + end of all windows and wins when it beats every
/// span (a tie goes to the span). Spans map back to character ranges of the original context, trimmed of the
/// whitespace a token's range may carry; the same text found by two windows counts once, at its best score. Scores
/// are the softmax over the kept candidates. Pure and thread-safe.
/// </summary>
internal sealed class AnswerSpanSelector(int topK, int maxAnswerLength)
{
    /// <summary>run_qa's <c>n_best_size</c>: starts and ends tried per window, and candidates kept for the softmax.</summary>
    public const int CandidatesPerWindow = 20;

    public int TopK { get; } = topK;

    public int MaxAnswerLength { get; } = maxAnswerLength;

    /// <summary>The ranked answers of <paramref name="question"/> from each window's logits (same order as its windows, at least each window's length).</summary>
    public AnswerCandidates Select(QuestionWindows question, IReadOnlyList<float[]> startLogits, IReadOnlyList<float[]> endLogits)
    {
        if (startLogits.Count != question.Windows.Count || endLogits.Count != question.Windows.Count)
            throw new ArgumentException($"{question.Windows.Count} windows but {startLogits.Count} start and {endLogits.Count} end logit rows.");
        var best = new Dictionary<(int Start, int End), float>();
        float nullScore = float.PositiveInfinity;
        for (int w = 0; w < question.Windows.Count; w++)
        {
            var window = question.Windows[w];
            float[] starts = startLogits[w], ends = endLogits[w];
            nullScore = Math.Min(nullScore, starts[0] + ends[0]);
            foreach (int start in TopIndexes(starts, window.InputIds.Length))
            {
                foreach (int end in TopIndexes(ends, window.InputIds.Length))
                {
                    if (!window.IsContext(start) || !window.IsContext(end) || end < start || end - start + 1 > MaxAnswerLength)
                        continue;
                    if (Trim(question.Context, window.Offsets[start].Start, window.Offsets[end].End) is not { } span)
                        continue;
                    float score = starts[start] + ends[end];
                    if (!best.TryGetValue(span, out float known) || score > known)
                        best[span] = score;
                }
            }
        }
        // Spans before "no answer" on equal scores (a stable sort keeps this order): run_qa answers unless null is strictly better.
        var ranked = best.OrderByDescending(pair => pair.Value)
            .Select(pair => (Start: pair.Key.Start, End: pair.Key.End, Score: pair.Value))
            .Take(CandidatesPerWindow)
            .Append((Start: -1, End: -1, Score: nullScore))
            .OrderByDescending(candidate => candidate.Score)
            .ToList();
        var probabilities = Softmax(ranked.Select(candidate => candidate.Score).ToArray());
        int count = Math.Min(TopK, ranked.Count);
        return new AnswerCandidates(
            ranked.Take(count).Select(c => c.Start < 0 ? "" : question.Context[c.Start..c.End]).ToArray(),
            probabilities[..count],
            ranked.Take(count).Select(c => c.Start).ToArray());
    }

    /// <summary>The indexes of the <see cref="CandidatesPerWindow"/> largest of the first <paramref name="length"/> logits, largest first.</summary>
    private static IEnumerable<int> TopIndexes(float[] logits, int length)
        => Enumerable.Range(0, length).OrderByDescending(i => logits[i]).ThenBy(i => i).Take(CandidatesPerWindow);

    /// <summary><c>[start, end)</c> without leading and trailing whitespace, or null when nothing else is left.</summary>
    private static (int Start, int End)? Trim(string context, int start, int end)
    {
        while (start < end && char.IsWhiteSpace(context[start])) start++;
        while (end > start && char.IsWhiteSpace(context[end - 1])) end--;
        return start < end ? (start, end) : null;
    }

    private static float[] Softmax(float[] scores)
    {
        float max = scores.Max();
        var exp = scores.Select(score => Math.Exp(score - max)).ToArray();
        double sum = exp.Sum();
        return exp.Select(value => (float)(value / sum)).ToArray();
    }
}
