namespace Microsoft.ML.RemBert.Onnx;

/// <summary>
/// One row's answers from a question-answering model's ONNX span logits, as the zip's three columns hold them: the
/// top-K answers best first (empty for "no answer"), their probabilities and their character starts in the context
/// (-1 for "no answer").
/// </summary>
/// <param name="Answers">The answers' text (the zip's PredictedAnswer column).</param>
/// <param name="Scores">Their probabilities (the zip's Score column).</param>
/// <param name="AnswerStarts">Their character starts (the zip's AnswerStart column).</param>
public sealed record PredictedAnswers(string[] Answers, float[] Scores, int[] AnswerStarts);
