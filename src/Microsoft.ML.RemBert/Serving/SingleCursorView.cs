using Microsoft.ML.Data;

namespace Microsoft.ML.RemBert.Serving;

/// <summary>
/// A view whose cursor is the one cursor of <c>GetRowCursorSet(columns, 1)</c> of the view it wraps, so that ML.NET
/// scores it on the thread that reads it.
/// </summary>
/// <remarks>
/// ML.NET's row-to-row transforms (<c>MapKeyToValue</c> after our trainers, for instance) answer <c>GetRowCursor</c>
/// with a consolidating cursor over <c>GetRowCursorSet(n)</c>, n about the core count, and split a single input cursor
/// into n with threads created for each cursor: each batch of a batching engine then ran its forward pass on a new
/// thread, which started with the process's libtorch thread count instead of its loop's share, while other threads
/// spun waiting (found with gdb in the Web API under load: 4 such threads and 6 OpenMP workers beside the 2 loops).
/// A set of one is never split.
/// </remarks>
internal sealed class SingleCursorView(IDataView inner) : IDataView
{
    public bool CanShuffle => inner.CanShuffle;

    public DataViewSchema Schema => inner.Schema;

    public long? GetRowCount() => inner.GetRowCount();

    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null)
        => Open(inner, columnsNeeded, rand);

    /// <summary>A cursor of <paramref name="view"/> that reads it on the calling thread (see the remarks).</summary>
    public static DataViewRowCursor Open(IDataView view, IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand)
    {
        var columns = columnsNeeded as IReadOnlyCollection<DataViewSchema.Column> ?? columnsNeeded.ToList();
        var set = view.GetRowCursorSet(columns, 1, rand);
        if (set.Length == 1)
            return set[0];
        // A view that ignores the requested degree (none of ML.NET's does): its plain cursor is the right sequence.
        foreach (var cursor in set)
            cursor.Dispose();
        return view.GetRowCursor(columns, rand);
    }

    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null)
        => [GetRowCursor(columnsNeeded, rand)];
}
