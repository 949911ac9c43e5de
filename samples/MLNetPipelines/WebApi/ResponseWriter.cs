using System.Text.Encodings.Web;
using System.Text.Json;

namespace MLNetPipelines.WebApi;

/// <summary>
/// Writes predictions and errors as JSON. Text in any script is written as itself (UTF-8, not \u escapes); a
/// non-finite number, which JSON cannot hold, is written as null.
/// </summary>
internal static class ResponseWriter
{
    private static readonly JsonWriterOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static Task WritePredictionAsync(HttpContext context, RowTypes rows, object output)
        => WriteAsync(context, 200, writer => WriteRow(writer, rows, output));

    public static Task WritePredictionsAsync(HttpContext context, RowTypes rows, IEnumerable<object> outputs)
        => WriteAsync(context, 200, writer =>
        {
            writer.WriteStartArray();
            foreach (var output in outputs)
                WriteRow(writer, rows, output);
            writer.WriteEndArray();
        });

    public static Task WriteErrorAsync(HttpContext context, int status, string message)
        => WriteAsync(context, status, writer =>
        {
            writer.WriteStartObject();
            writer.WriteString("error", message);
            writer.WriteEndObject();
        });

    public static async Task WriteAsync(HttpContext context, int status, Action<Utf8JsonWriter> write)
    {
        var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, Options))
            write(writer);
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json; charset=utf-8";
        context.Response.ContentLength = buffer.Length;
        await context.Response.Body.WriteAsync(buffer.GetBuffer().AsMemory(0, (int)buffer.Length), context.RequestAborted);
    }

    private static void WriteRow(Utf8JsonWriter writer, RowTypes rows, object output)
    {
        writer.WriteStartObject();
        foreach (var field in rows.Outputs)
        {
            writer.WritePropertyName(field.Name);
            WriteValue(writer, field.Field.GetValue(output));
        }
        writer.WriteEndObject();
    }

    private static void WriteValue(Utf8JsonWriter writer, object? value)
    {
        switch (value)
        {
            case null: writer.WriteNullValue(); break;
            case string text: writer.WriteStringValue(text); break;
            case bool flag: writer.WriteBooleanValue(flag); break;
            case float f when !float.IsFinite(f): writer.WriteNullValue(); break;
            case float f: writer.WriteNumberValue(f); break;
            case double d when !double.IsFinite(d): writer.WriteNullValue(); break;
            case double d: writer.WriteNumberValue(d); break;
            case Array array:
                writer.WriteStartArray();
                foreach (var item in array)
                    WriteValue(writer, item);
                writer.WriteEndArray();
                break;
            default: writer.WriteRawValue(Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture)!); break;
        }
    }
}
