using System.Text.Json;
using Microsoft.ML.Data;
using Microsoft.ML.RemBert.Cli.Json;

namespace Microsoft.ML.RemBert.Cli.DataFiles;

/// <summary>
/// Writes chosen columns of an <see cref="IDataView"/> as JSON lines: one object per row, scalars as JSON values
/// and vectors as arrays (dense). JSON has no NaN or infinity: like <c>rembert forward</c>, non-finite floats are written
/// as the strings <c>"NaN"</c>, <c>"Infinity"</c> and <c>"-Infinity"</c> (<see cref="NonFiniteJson"/>).
/// </summary>
public static class JsonLinesWriter
{
    private static readonly byte[] NewLine = "\n"u8.ToArray();

    /// <summary>Writes <paramref name="columnNames"/> of every row of <paramref name="data"/> to <paramref name="output"/>.</summary>
    /// <returns>The number of rows written.</returns>
    public static long Write(IDataView data, IReadOnlyList<string> columnNames, Stream output) =>
        Write(data, columnNames, output, source: null, CancellationToken.None);

    /// <summary>
    /// Writes as above, checking <paramref name="cancellationToken"/> between rows. A transform that rejects a row's values
    /// (<see cref="ArgumentException"/>, e.g. a text that cannot be truncated to fit) is reported as bad data in
    /// <paramref name="source"/> at that row.
    /// </summary>
    public static long Write(IDataView data, IReadOnlyList<string> columnNames, Stream output, string? source, CancellationToken cancellationToken)
    {
        var columns = columnNames.Select(name => data.Schema.GetColumnOrNull(name)
            ?? throw new ArgumentException($"Column '{name}' is not in the data (it has: {string.Join(", ", data.Schema.Where(c => !c.IsHidden).Select(c => c.Name))}).", nameof(columnNames)))
            .ToList();

        using var cursor = data.GetRowCursor(columns);
        var writers = columns.Select(column => MakeColumnWriter(cursor, column)).ToList();
        long rows = 0;
        using var json = new Utf8JsonWriter(output, ReadableJson.Options);
        while (NextRow(cursor, source, rows))
        {
            cancellationToken.ThrowIfCancellationRequested();
            json.WriteStartObject();
            for (int i = 0; i < columns.Count; i++)
            {
                json.WritePropertyName(columns[i].Name);
                try
                {
                    writers[i](json);
                }
                catch (ArgumentException e) when (source is not null)
                {
                    throw new InvalidDataException($"{source}: data row {rows + 1}, column '{columns[i].Name}': {e.Message}", e);
                }
            }
            json.WriteEndObject();
            json.Flush();
            json.Reset();
            output.Write(NewLine);
            rows++;
        }
        return rows;
    }

    private static Action<Utf8JsonWriter> MakeColumnWriter(DataViewRowCursor cursor, DataViewSchema.Column column)
    {
        Type item = ColumnKinds.ItemType(column.Type);
        bool isVector = column.Type is VectorDataViewType;
        return item switch
        {
            _ when item == typeof(ReadOnlyMemory<char>) => Make<ReadOnlyMemory<char>>(cursor, column, isVector, (w, v) => w.WriteStringValue(v.Span)),
            _ when item == typeof(float) => Make<float>(cursor, column, isVector, (w, v) => NonFiniteJson.WriteNumber(w, v)),
            _ when item == typeof(double) => Make<double>(cursor, column, isVector, WriteFloating),
            _ when item == typeof(int) => Make<int>(cursor, column, isVector, (w, v) => w.WriteNumberValue(v)),
            _ when item == typeof(long) => Make<long>(cursor, column, isVector, (w, v) => w.WriteNumberValue(v)),
            _ when item == typeof(uint) => Make<uint>(cursor, column, isVector, (w, v) => w.WriteNumberValue(v)),
            _ when item == typeof(bool) => Make<bool>(cursor, column, isVector, (w, v) => w.WriteBooleanValue(v)),
            _ => throw new NotSupportedException($"Column '{column.Name}' has type {column.Type}, which cannot be written as JSON."),
        };
    }

    private static void WriteFloating(Utf8JsonWriter writer, double value) => NonFiniteJson.WriteNumber(writer, value);

    private static bool NextRow(DataViewRowCursor cursor, string? source, long rowsSoFar)
    {
        try
        {
            return cursor.MoveNext();
        }
        catch (ArgumentException e) when (source is not null)
        {
            throw new InvalidDataException($"{source}: data row {rowsSoFar + 1}: {e.Message}", e);
        }
    }

    private static Action<Utf8JsonWriter> Make<T>(DataViewRowCursor cursor, DataViewSchema.Column column, bool isVector, Action<Utf8JsonWriter, T> writeItem)
    {
        if (!isVector)
        {
            var getter = cursor.GetGetter<T>(column);
            T value = default!;
            return writer =>
            {
                getter(ref value);
                writeItem(writer, value);
            };
        }

        var vectorGetter = cursor.GetGetter<VBuffer<T>>(column);
        VBuffer<T> buffer = default;
        return writer =>
        {
            vectorGetter(ref buffer);
            writer.WriteStartArray();
            foreach (T item in buffer.DenseValues())
                writeItem(writer, item);
            writer.WriteEndArray();
        };
    }
}
