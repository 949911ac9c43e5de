using System.Text;
using System.Text.Json;
using Microsoft.ML.RemBert.Cli.Json;

namespace Microsoft.ML.RemBert.Cli.Tasks;

/// <summary>Prints <see cref="TaskMetrics"/> as aligned text for people or as one JSON object for scripts.</summary>
internal static class MetricsWriter
{
    public static string Text(TaskMetrics metrics)
    {
        var text = new StringBuilder();
        int width = metrics.Values.Max(v => v.Name.Length);
        foreach (var (name, value) in metrics.Values)
            text.Append(name.PadRight(width)).Append("  ").Append(value.ToString("F4")).Append('\n');
        if (metrics.Confusion is { } confusion)
        {
            text.Append("confusion matrix (rows: actual, columns: predicted)\n");
            var cells = new List<string[]> { confusion.Classes.Prepend("").ToArray() };
            cells.AddRange(confusion.Classes.Select((name, row) => confusion.Counts[row].Select(c => c.ToString("G")).Prepend(name).ToArray()));
            AppendGrid(text, cells);
        }
        if (metrics.Breakdown is { } breakdown)
        {
            var cells = new List<string[]> { breakdown.Columns.Prepend(breakdown.RowName).ToArray() };
            cells.AddRange(breakdown.Rows.Select(row => row.Values.Select(v => v.ToString("F4")).Prepend(row.Row).ToArray()));
            AppendGrid(text, cells);
        }
        return text.ToString();
    }

    public static string Json(TaskMetrics metrics)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, ReadableJson.Options))
        {
            json.WriteStartObject();
            json.WriteString("task", metrics.Task);
            json.WriteStartObject("metrics");
            foreach (var (name, value) in metrics.Values)
            {
                json.WritePropertyName(name);
                NonFiniteJson.WriteNumber(json, value);
            }
            json.WriteEndObject();
            if (metrics.Confusion is { } confusion)
            {
                json.WriteStartObject("confusionMatrix");
                json.WriteStartArray("classes");
                foreach (var name in confusion.Classes) json.WriteStringValue(name);
                json.WriteEndArray();
                json.WriteStartArray("counts");
                foreach (var row in confusion.Counts)
                {
                    json.WriteStartArray();
                    foreach (var count in row) json.WriteNumberValue(count);
                    json.WriteEndArray();
                }
                json.WriteEndArray();
                json.WriteEndObject();
            }
            if (metrics.Breakdown is { } breakdown)
            {
                json.WriteStartObject(breakdown.RowName);
                foreach (var (row, values) in breakdown.Rows)
                {
                    json.WriteStartObject(row);
                    for (int i = 0; i < values.Count; i++)
                    {
                        json.WritePropertyName(breakdown.Columns[i]);
                        NonFiniteJson.WriteNumber(json, values[i]);
                    }
                    json.WriteEndObject();
                }
                json.WriteEndObject();
            }
            json.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static void AppendGrid(StringBuilder text, List<string[]> cells)
    {
        var widths = Enumerable.Range(0, cells[0].Length).Select(column => cells.Max(row => row[column].Length)).ToArray();
        foreach (var row in cells)
            text.Append(string.Join("  ", row.Select((cell, column) => column == 0 ? cell.PadRight(widths[column]) : cell.PadLeft(widths[column]))).TrimEnd()).Append('\n');
    }
}
