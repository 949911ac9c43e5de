namespace Microsoft.ML.RemBert.MLNet.Trainers.QuestionAnswering;

/// <summary>
/// A question's predicted answers, best first: their text in the original context (empty for "no answer"), their
/// probability among the candidates considered, and their character start in the context (-1 for "no answer").
/// </summary>
internal sealed record AnswerCandidates(string[] Texts, float[] Scores, int[] Starts)
{
    /// <summary>The best answer: empty when "no answer" scored best.</summary>
    public string Best => Texts.Length == 0 ? "" : Texts[0];
}
