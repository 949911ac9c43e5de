using Microsoft.ML.Data;

namespace Microsoft.ML.RemBert.MLNet.Scoring;

/// <summary>
/// The results of one cursor's (or one mapped row's) rows, scored a batch at a time. <see cref="Current"/> returns
/// the result of the current row of the row being served, scoring the batch that starts at it when it is not in the
/// batch already scored. Owned by one cursor, so used by one thread at a time.
/// </summary>
/// <remarks>
/// With a read-ahead cursor (a second cursor over the same input, with only the model's input columns active) the
/// batch is read from it: it is moved forward to the served row, skipping rows whose outputs were never asked
/// for, then up to batchSize rows are read. Both cursors must see the same rows in the same order, which every
/// ML.NET data view guarantees for cursors created with equal seeds; the row ids are compared to prove it.
/// Without a read-ahead cursor (a row mapper: PredictionEngine), every row is a batch of one.
/// </remarks>
internal sealed class BatchedResults<TRow, TResult>
{
    private readonly RemBertScoringTask<TRow, TResult> _task;
    private readonly ScoringModelLifetime _lifetime;
    // Only referenced: it keeps a PredictionEngine's hold on the model for as long as the engine can read these results.
    private readonly ScoringModelLifetime.EngineHold? _engineHold;
    private readonly DataViewRow _served;
    private readonly ValueGetter<DataViewRowId> _servedId;
    private readonly DataViewRowCursor? _readAhead;
    private readonly ValueGetter<DataViewRowId>? _readAheadId;
    private readonly Func<TRow> _readRow;
    private readonly int _batchSize;
    private readonly List<TRow> _rows = [];
    private readonly List<DataViewRowId> _rowIds = [];

    private TResult[] _results = [];
    private long _firstPosition = -1;
    private long _checkedPosition = -1;

    public BatchedResults(RemBertScoringTask<TRow, TResult> task, ScoringModelLifetime lifetime, ScoringModelLifetime.EngineHold? engineHold, DataViewRow served, DataViewRowCursor? readAhead, int batchSize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        _task = task;
        _lifetime = lifetime;
        _engineHold = engineHold;
        _served = served;
        _servedId = served.GetIdGetter();
        _readAhead = readAhead;
        _readAheadId = readAhead?.GetIdGetter();
        _readRow = task.CreateRowReader(readAhead ?? served);
        _batchSize = readAhead is null ? 1 : batchSize;
    }

    /// <summary>The result of the served row's current row.</summary>
    public TResult Current()
    {
        long position = _served.Position;
        if (position < 0)
            throw new InvalidOperationException("The row's values were read before the cursor moved to a row.");
        if (_firstPosition < 0 || position < _firstPosition || position >= _firstPosition + _results.Length)
            ScoreBatchAt(position);
        int index = (int)(position - _firstPosition);
        if (_readAhead is not null && _checkedPosition != position)
        {
            CheckSameRow(index);
            _checkedPosition = position;
        }
        return _results[index];
    }

    private void ScoreBatchAt(long position)
    {
        _rows.Clear();
        _rowIds.Clear();
        _results = [];
        _firstPosition = -1;
        if (_readAhead is null)
        {
            _rows.Add(_readRow());
        }
        else
        {
            while (_readAhead.Position < position)
            {
                if (!_readAhead.MoveNext())
                    throw new InvalidOperationException($"The input ended before row {position}: a second cursor over the same input saw fewer rows.");
            }
            if (_readAhead.Position != position)
                throw new InvalidOperationException($"Row {position} was asked for after row {_readAhead.Position}; a cursor only moves forward.");
            do
            {
                _rows.Add(_readRow());
                DataViewRowId id = default;
                _readAheadId!(ref id);
                _rowIds.Add(id);
            }
            while (_rows.Count < _batchSize && _readAhead.MoveNext());
        }
        // The lease keeps the model's tensors alive for this forward pass even if another thread disposes the model meanwhile.
        using (_lifetime.Acquire())
            _results = _task.ScoreBatch(_rows);
        _firstPosition = position;
        _rows.Clear();
    }

    private void CheckSameRow(int index)
    {
        DataViewRowId id = default;
        _servedId(ref id);
        if (!id.Equals(_rowIds[index]))
        {
            throw new InvalidOperationException(
                $"Row {_served.Position}: two cursors over the same input returned different rows (ids {id} and {_rowIds[index]}); " +
                "batched scoring needs an input that returns its rows in the same order every time it is read.");
        }
    }
}
