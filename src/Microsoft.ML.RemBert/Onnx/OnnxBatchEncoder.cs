using Microsoft.ML.Data;
using Microsoft.ML.RemBert.MLNet.Scoring;
using Microsoft.ML.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.RemBert.Onnx;

/// <summary>
/// Encodes rows for an exported graph with the task's own row reader and collation, so the ids are exactly those the
/// zip's scoring builds (same tokenization, truncation, windows and padding), copied out as int64 arrays.
/// </summary>
internal static class OnnxBatchEncoder
{
    /// <summary>Every row of <paramref name="data"/> read as the task reads a row to score; errors name the row and column.</summary>
    public static List<TRow> ReadRows<TRow, TResult>(RemBertScoringTask<TRow, TResult> task, IDataView data, IExceptionContext ectx)
    {
        ArgumentNullException.ThrowIfNull(data);
        task.CheckInputSchema(ectx, data.Schema);
        var rows = new List<TRow>();
        using var cursor = data.GetRowCursor(task.InputColumns.Select(input => data.Schema[input.Name]));
        var read = task.CreateRowReader(cursor);
        while (cursor.MoveNext())
            rows.Add(read());
        if (rows.Count == 0)
            throw new ArgumentException("The data has no rows to encode for ONNX.", nameof(data));
        return rows;
    }

    /// <summary>
    /// The task's collation of <paramref name="rows"/> as InputIds, AttentionMask and TokenTypeIds, with every axis
    /// before the last flattened into the batch axis (<c>[rows, choices, seq]</c> becomes <c>[rows × choices, seq]</c>).
    /// </summary>
    public static OnnxInputTensor[] Ids<TRow, TResult>(RemBertScoringTask<TRow, TResult> task, IReadOnlyList<TRow> rows)
    {
        using var scope = NewDisposeScope();
        var inputs = task.Collate(rows);
        return [Flat("InputIds", inputs.InputIds), Flat("AttentionMask", inputs.AttentionMask), Flat("TokenTypeIds", inputs.TokenTypeIds)];
    }

    private static OnnxInputTensor Flat(string name, Tensor values)
    {
        long length = values.shape[^1];
        var flat = values.cpu().to_type(ScalarType.Int64).contiguous().data<long>().ToArray();
        return new OnnxInputTensor(name, flat, [checked((int)(flat.LongLength / length)), checked((int)length)]);
    }
}
