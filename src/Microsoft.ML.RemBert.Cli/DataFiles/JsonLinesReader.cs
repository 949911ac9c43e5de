using System.Text.Json;
using Microsoft.ML.Data;
using Microsoft.ML.RemBert.IO;

namespace Microsoft.ML.RemBert.Cli.DataFiles;

/// <summary>
/// Reads a JSON-lines file (one object per line) into an <see cref="IDataView"/> with the given columns:
/// strings for text columns, numbers/booleans for scalar columns, arrays for vector columns.
/// </summary>
internal static class JsonLinesReader
{
    public static IDataView Read(string path, IReadOnlyList<DataViewSchema.Column> columns)
    {
        var builder = new DataViewSchema.Builder();
        foreach (var column in columns)
            builder.AddColumn(column.Name, column.Type);
        var schema = builder.ToSchema();

        var rows = new List<object[]>();
        foreach (var (lineNumber, line) in DataFileLines.Read(path))
        {
            if (string.IsNullOrWhiteSpace(line))
                continue;
            rows.Add(ParseRow(path, lineNumber, line, columns));
        }
        return new InMemoryDataView(schema, rows);
    }

    /// <summary>The names of the properties of the first object in the file (empty for an empty file).</summary>
    public static IReadOnlyList<string> ReadPropertyNames(string path)
    {
        var (number, first) = DataFileLines.Read(path).FirstOrDefault(line => !string.IsNullOrWhiteSpace(line.Text));
        if (first is null)
            return [];
        using var document = ParseLine(path, number, first);
        return document.RootElement.EnumerateObject().Select(property => property.Name).ToList();
    }

    /// <summary>Parses one line that must be a JSON object; an error names the file and line.</summary>
    public static JsonDocument ParseLine(string path, int lineNumber, string line)
    {
        try
        {
            var document = JsonDocument.Parse(line);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
                throw new InvalidDataException($"{path}:{lineNumber}: each line must be a JSON object.");
            return document;
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"{path}:{lineNumber}: invalid JSON: {ex.Message}", ex);
        }
    }

    private static object[] ParseRow(string path, int lineNumber, string line, IReadOnlyList<DataViewSchema.Column> columns)
    {
        using var document = ParseLine(path, lineNumber, line);
        var cells = new object[columns.Count];
        for (int i = 0; i < columns.Count; i++)
        {
            var column = columns[i];
            if (!document.RootElement.TryGetProperty(column.Name, out var value))
                throw new InvalidDataException($"{path}:{lineNumber}: missing property '{column.Name}'.");
            try
            {
                cells[i] = column.Type is VectorDataViewType vector
                    ? ToVector(value, vector, ColumnKinds.KindOf(column))
                    : ToItem(value, ColumnKinds.KindOf(column));
            }
            catch (Exception ex) when (ex is InvalidOperationException or FormatException)
            {
                throw new InvalidDataException($"{path}:{lineNumber}: property '{column.Name}' is not a {column.Type}: {ex.Message}", ex);
            }
        }
        return cells;
    }

    private static object ToItem(JsonElement value, DataKind kind) => kind switch
    {
        DataKind.String => (value.GetString() ?? "").AsMemory(),
        DataKind.Single => value.GetSingle(),
        DataKind.Double => value.GetDouble(),
        DataKind.Int32 => value.GetInt32(),
        DataKind.Int64 => value.GetInt64(),
        DataKind.UInt32 => value.GetUInt32(),
        DataKind.Boolean => value.GetBoolean(),
        _ => throw new NotSupportedException($"Data kind {kind}."),
    };

    private static object ToVector(JsonElement value, VectorDataViewType type, DataKind kind)
    {
        if (value.ValueKind != JsonValueKind.Array)
            throw new FormatException("expected a JSON array.");
        var items = value.EnumerateArray().Select(item => ToItem(item, kind)).ToList();
        if (type.IsKnownSize && items.Count != type.Size)
            throw new FormatException($"expected {type.Size} values, found {items.Count}.");
        return kind switch
        {
            DataKind.String => ToVBuffer<ReadOnlyMemory<char>>(items),
            DataKind.Single => ToVBuffer<float>(items),
            DataKind.Double => ToVBuffer<double>(items),
            DataKind.Int32 => ToVBuffer<int>(items),
            DataKind.Int64 => ToVBuffer<long>(items),
            DataKind.UInt32 => ToVBuffer<uint>(items),
            DataKind.Boolean => ToVBuffer<bool>(items),
            _ => throw new NotSupportedException($"Data kind {kind}."),
        };
    }

    private static VBuffer<T> ToVBuffer<T>(List<object> items)
        => new(items.Count, items.Cast<T>().ToArray());
}
