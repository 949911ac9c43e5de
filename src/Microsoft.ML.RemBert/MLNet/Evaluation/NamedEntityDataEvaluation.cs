using Microsoft.ML.RemBert.Evaluation;
using Microsoft.ML.Runtime;

namespace Microsoft.ML.RemBert.MLNet.Evaluation;

/// <summary>Runs <see cref="NamedEntityEvaluator"/> over the rows of an <see cref="IDataView"/>, one sentence per row.</summary>
internal static class NamedEntityDataEvaluation
{
    public static NamedEntityMetrics Evaluate(IExceptionContext ectx, IDataView data, string labelColumnName, string predictedLabelColumnName)
    {
        ectx.CheckValue(data, nameof(data));
        var label = TagSequenceColumn.Find(ectx, data.Schema, "label", labelColumnName);
        var predicted = TagSequenceColumn.Find(ectx, data.Schema, "predicted label", predictedLabelColumnName);
        var evaluator = new NamedEntityEvaluator();
        using var cursor = data.GetRowCursor([label.Column, predicted.Column]);
        var expectedTags = label.CreateGetter(cursor);
        var predictedTags = predicted.CreateGetter(cursor);
        while (cursor.MoveNext())
        {
            var expected = expectedTags();
            var prediction = predictedTags();
            if (expected.Length != prediction.Length)
                throw ectx.Except(
                    $"Row {cursor.Position}: column '{labelColumnName}' has {expected.Length} tags but column '{predictedLabelColumnName}' has {prediction.Length}; both need exactly one tag per word.");
            evaluator.Add(expected, prediction,
                Chunk(ectx, expected, labelColumnName, cursor.Position), Chunk(ectx, prediction, predictedLabelColumnName, cursor.Position));
        }
        return evaluator.GetMetrics();
    }

    private static List<NamedEntity> Chunk(IExceptionContext ectx, string[] tags, string columnName, long row)
    {
        try
        {
            return EntityChunker.GetEntities(tags);
        }
        catch (FormatException ex)
        {
            throw ectx.Except(ex, $"Row {row}, column '{columnName}': {ex.Message}");
        }
    }
}
