using Microsoft.ML.Data;
using Microsoft.ML.RemBert.Evaluation;
using Microsoft.ML.Runtime;

namespace Microsoft.ML.RemBert.MLNet.Evaluation;

/// <summary>Runs <see cref="MultiLabelEvaluator"/> over the rows of an <see cref="IDataView"/>: one row, one set of labels.</summary>
internal static class MultiLabelDataEvaluation
{
    public static MultiLabelClassificationMetrics Evaluate(IExceptionContext ectx, IDataView data, string labelColumnName,
        string predictedLabelsColumnName, string? scoreColumnName)
    {
        ectx.CheckValue(data, nameof(data));
        var label = TagSequenceColumn.Find(ectx, data.Schema, "label", labelColumnName, item: "item", value: "label");
        var predicted = TagSequenceColumn.Find(ectx, data.Schema, "predicted labels", predictedLabelsColumnName, item: "item", value: "label");
        var evaluator = new MultiLabelEvaluator(ModelLabels(data.Schema, scoreColumnName));
        using var cursor = data.GetRowCursor([label.Column, predicted.Column]);
        var expectedLabels = label.CreateGetter(cursor);
        var predictedLabels = predicted.CreateGetter(cursor);
        while (cursor.MoveNext())
            evaluator.Add(expectedLabels(), predictedLabels());
        if (evaluator.RowCount == 0)
            throw ectx.ExceptParam(nameof(data), "The data has no rows to evaluate.");
        try
        {
            return evaluator.GetMetrics();
        }
        catch (InvalidOperationException ex)
        {
            throw ectx.ExceptParam(nameof(data), $"{ex.Message} (label column '{labelColumnName}', predicted labels column '{predictedLabelsColumnName}')");
        }
    }

    // The model's label set, so that a label no row has nor predicts is scored too: the score column's slot names.
    private static IEnumerable<string>? ModelLabels(DataViewSchema schema, string? scoreColumnName)
    {
        if (scoreColumnName is null || schema.GetColumnOrNull(scoreColumnName) is not { } score || !score.HasSlotNames())
            return null;
        VBuffer<ReadOnlyMemory<char>> names = default;
        score.GetSlotNames(ref names);
        return names.DenseValues().Select(name => name.ToString()).ToArray();
    }
}
