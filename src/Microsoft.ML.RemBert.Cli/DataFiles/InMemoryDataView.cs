using Microsoft.ML.Data;

namespace Microsoft.ML.RemBert.Cli.DataFiles;

/// <summary>
/// A read-only <see cref="IDataView"/> over rows already held in memory, each cell in ML.NET's own representation
/// (<see cref="ReadOnlyMemory{T}"/> of char for text, the primitive for numbers, <see cref="VBuffer{T}"/> for
/// vectors). Used for input formats ML.NET's loaders do not read (JSON lines).
/// </summary>
internal sealed class InMemoryDataView : IDataView
{
    private readonly IReadOnlyList<object[]> _rows;

    public InMemoryDataView(DataViewSchema schema, IReadOnlyList<object[]> rows)
    {
        Schema = schema;
        _rows = rows;
    }

    public DataViewSchema Schema { get; }

    // Rows are served in file order: predictions must line up with the input file.
    public bool CanShuffle => false;

    public long? GetRowCount() => _rows.Count;

    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null)
        => new Cursor(this);

    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null)
        => [new Cursor(this)];

    private sealed class Cursor : DataViewRowCursor
    {
        private readonly InMemoryDataView _parent;
        private long _position = -1;

        public Cursor(InMemoryDataView parent) => _parent = parent;

        public override DataViewSchema Schema => _parent.Schema;
        public override long Position => _position;
        public override long Batch => 0;

        public override bool MoveNext()
        {
            if (_position + 1 >= _parent._rows.Count)
            {
                _position = _parent._rows.Count;
                return false;
            }
            _position++;
            return true;
        }

        public override ValueGetter<DataViewRowId> GetIdGetter()
            => (ref DataViewRowId value) => value = new DataViewRowId((ulong)_position, 0);

        public override bool IsColumnActive(DataViewSchema.Column column) => true;

        public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
        {
            int index = column.Index;
            if (column.Type is VectorDataViewType vector)
                return (ValueGetter<TValue>)MakeVectorGetter(vector.ItemType.RawType, index);
            return (ref TValue value) => value = (TValue)_parent._rows[(int)_position][index];
        }

        private Delegate MakeVectorGetter(Type itemType, int index)
            => (Delegate)typeof(Cursor).GetMethod(nameof(VectorGetter), System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance)!
                .MakeGenericMethod(itemType).Invoke(this, [index])!;

        // Copies, because a consumer may reuse the buffer it passes in for the next row and must not write into ours.
        private ValueGetter<VBuffer<T>> VectorGetter<T>(int index)
            => (ref VBuffer<T> value) => ((VBuffer<T>)_parent._rows[(int)_position][index]).CopyTo(ref value);
    }
}
