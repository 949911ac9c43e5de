using Microsoft.ML.Data;

namespace Microsoft.ML.RemBert.MLNet.Scoring;

/// <summary>
/// Cursor of <see cref="ScoredDataView"/>: moves <c>primary</c> (the input cursor with the requested input columns)
/// row by row, passes input columns through, and serves output columns from batches the task's getters read through
/// <c>readAhead</c> (a second input cursor with only the model's input columns; null when no output is requested).
/// </summary>
internal sealed class BatchScoringCursor(DataViewRowCursor primary, DataViewRowCursor? readAhead, DataViewSchema schema, Delegate?[] outputGetters)
    : DataViewRowCursor
{
    /// <inheritdoc/>
    public override long Position => primary.Position;

    /// <inheritdoc/>
    public override long Batch => primary.Batch;

    /// <inheritdoc/>
    public override DataViewSchema Schema => schema;

    /// <inheritdoc/>
    public override bool MoveNext() => primary.MoveNext();

    /// <inheritdoc/>
    public override ValueGetter<DataViewRowId> GetIdGetter() => primary.GetIdGetter();

    /// <inheritdoc/>
    public override bool IsColumnActive(DataViewSchema.Column column) => ScoredRow.IsColumnActive(primary, outputGetters, column);

    /// <inheritdoc/>
    public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column) => ScoredRow.GetGetter<TValue>(primary, outputGetters, column);

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            primary.Dispose();
            readAhead?.Dispose();
        }
        base.Dispose(disposing);
    }
}
