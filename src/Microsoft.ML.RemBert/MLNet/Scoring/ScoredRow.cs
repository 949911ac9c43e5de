using Microsoft.ML.Data;

namespace Microsoft.ML.RemBert.MLNet.Scoring;

/// <summary>
/// A row of a scoring transformer's output: input columns pass through from the input row by index, output
/// columns come from the task's getters. Base of the row mapper's row and the transform's cursor.
/// </summary>
internal static class ScoredRow
{
    /// <summary>Whether an output-schema column is active: an input column if active in the input, an output if it has a getter.</summary>
    public static bool IsColumnActive(DataViewRow input, Delegate?[] outputGetters, DataViewSchema.Column column)
    {
        int inputCount = input.Schema.Count;
        return column.Index < inputCount ? input.IsColumnActive(input.Schema[column.Index]) : outputGetters[column.Index - inputCount] is not null;
    }

    /// <summary>The getter of an output-schema column; throws naming the column when it is inactive or of another type.</summary>
    public static ValueGetter<TValue> GetGetter<TValue>(DataViewRow input, Delegate?[] outputGetters, DataViewSchema.Column column)
    {
        int inputCount = input.Schema.Count;
        if (column.Index < inputCount)
            return input.GetGetter<TValue>(input.Schema[column.Index]);
        var getter = outputGetters[column.Index - inputCount]
            ?? throw new InvalidOperationException($"Column '{column.Name}' is not active in this row; ask for it when creating the cursor.");
        return getter as ValueGetter<TValue>
            ?? throw new InvalidOperationException($"Column '{column.Name}' holds {column.Type} (raw {column.Type.RawType.Name}), not {typeof(TValue).Name}.");
    }
}

/// <summary>
/// The row a <see cref="ScoringRowMapper"/> returns for one input row (PredictionEngine); owns the input row, and holds
/// the model through <paramref name="hold"/> for as long as it is reachable.
/// </summary>
internal sealed class ScoredDataViewRow(DataViewRow input, DataViewSchema schema, Delegate?[] outputGetters, ScoringModelLifetime.EngineHold hold)
    : DataViewRow
{
    /// <summary>The model's hold for this row (only referenced: its finalizer releases it once the row is collected).</summary>
    internal ScoringModelLifetime.EngineHold Hold => hold;

    /// <inheritdoc/>
    public override long Position => input.Position;

    /// <inheritdoc/>
    public override long Batch => input.Batch;

    /// <inheritdoc/>
    public override DataViewSchema Schema => schema;

    /// <inheritdoc/>
    public override ValueGetter<DataViewRowId> GetIdGetter() => input.GetIdGetter();

    /// <inheritdoc/>
    public override bool IsColumnActive(DataViewSchema.Column column) => ScoredRow.IsColumnActive(input, outputGetters, column);

    /// <inheritdoc/>
    public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column) => ScoredRow.GetGetter<TValue>(input, outputGetters, column);

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        if (disposing)
            input.Dispose();
        base.Dispose(disposing);
    }
}
