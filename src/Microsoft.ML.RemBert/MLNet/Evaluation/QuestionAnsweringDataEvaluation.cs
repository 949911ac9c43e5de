using Microsoft.ML.RemBert.Evaluation;
using Microsoft.ML.Runtime;

namespace Microsoft.ML.RemBert.MLNet.Evaluation;

/// <summary>Runs <see cref="QuestionAnsweringEvaluator"/> over the rows of an <see cref="IDataView"/>, one question per row.</summary>
internal static class QuestionAnsweringDataEvaluation
{
    public static QuestionAnsweringMetrics Evaluate(IExceptionContext ectx, IDataView data, string groundTruthColumnName, string predictedAnswerColumnName)
    {
        ectx.CheckValue(data, nameof(data));
        var groundTruth = AnswerTextColumn.Find(ectx, data.Schema, "ground truth", groundTruthColumnName);
        var predicted = AnswerTextColumn.Find(ectx, data.Schema, "predicted answer", predictedAnswerColumnName);
        var evaluator = new QuestionAnsweringEvaluator();
        using var cursor = data.GetRowCursor([groundTruth.Column, predicted.Column]);
        var goldAnswers = groundTruth.CreateGetter(cursor);
        var predictedAnswers = predicted.CreateGetter(cursor);
        while (cursor.MoveNext())
        {
            // Best first: the top answer is the prediction; no answer at all means "unanswerable".
            var ranked = predictedAnswers();
            evaluator.Add(goldAnswers(), ranked.Length == 0 ? string.Empty : ranked[0]);
        }
        return evaluator.GetMetrics();
    }
}
