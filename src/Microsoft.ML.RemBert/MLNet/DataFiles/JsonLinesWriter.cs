using System.Text.Json;
using Microsoft.ML.Data;

namespace Microsoft.ML.RemBert.MLNet.DataFiles;

/// <summary>
/// Writes chosen columns of an <see cref="IDataView"/> as JSON lines: one object per row, scalars as JSON values
/// and vectors as arrays (dense). Non-finite floats are written as null, which JSON has instead of NaN/Infinity.
/// </summary>
public static class JsonLinesWriter
{
    private static readonly byte[] NewLine = "\n"u8.ToArray();

    /// <summary>Writes <paramref name="columnNames"/> of every row of <paramref name="data"/> to <paramref name="output"/>.</summary>
    /// <returns>The number of rows written.</returns>
    public static long Write(IDataView data, IReadOnlyList<string> columnNames, Stream output)
    {
        var columns = columnNames.Select(name => data.Schema.GetColumnOrNull(name)
            ?? throw new ArgumentException($"Column '{name}' is not in the data (it has: {string.Join(", ", data.Schema.Where(c => !c.IsHidden).Select(c => c.Name))}).", nameof(columnNames)))
            .ToList();

        using var cursor = data.GetRowCursor(columns);
        var writers = columns.Select(column => MakeColumnWriter(cursor, column)).ToList();
        long rows = 0;
        using var json = new Utf8JsonWriter(output);
        while (cursor.MoveNext())
        {
            json.WriteStartObject();
            for (int i = 0; i < columns.Count; i++)
            {
                json.WritePropertyName(columns[i].Name);
                writers[i](json);
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
            _ when item == typeof(float) => Make<float>(cursor, column, isVector, (w, v) => WriteFloating(w, v)),
            _ when item == typeof(double) => Make<double>(cursor, column, isVector, WriteFloating),
            _ when item == typeof(int) => Make<int>(cursor, column, isVector, (w, v) => w.WriteNumberValue(v)),
            _ when item == typeof(long) => Make<long>(cursor, column, isVector, (w, v) => w.WriteNumberValue(v)),
            _ when item == typeof(uint) => Make<uint>(cursor, column, isVector, (w, v) => w.WriteNumberValue(v)),
            _ when item == typeof(bool) => Make<bool>(cursor, column, isVector, (w, v) => w.WriteBooleanValue(v)),
            _ => throw new NotSupportedException($"Column '{column.Name}' has type {column.Type}, which cannot be written as JSON."),
        };
    }

    private static void WriteFloating(Utf8JsonWriter writer, double value)
    {
        if (double.IsFinite(value))
            writer.WriteNumberValue(value);
        else
            writer.WriteNullValue();
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
