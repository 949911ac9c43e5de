using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.Unicode;

namespace MLNetPipelines.WebApi;

/// <summary>
/// Reads request bodies into input rows of a zip's emitted row class (<see cref="RowTypes"/>), refusing bad input with
/// an <see cref="ApiException"/> naming the field: not UTF-8, not JSON, not an object, an unknown key, a missing or
/// empty field the model reads, a wrong type, a text over 64 KiB (413), a batch over 256 rows.
/// </summary>
internal static class RequestReader
{
    /// <summary>The status counted for a client that left mid-request (nginx's "client closed request"); it is never sent.</summary>
    public const int ClientDisconnected = 499;

    /// <summary>The largest text field, in UTF-8 bytes.</summary>
    public const int MaxTextBytes = 64 * 1024;

    /// <summary>The most rows of one <c>POST /predict/batch</c>.</summary>
    public const int MaxBatchRows = 256;

    /// <summary>The largest body: a full batch of rows with a few largest texts each.</summary>
    public const long MaxBodyBytes = 64L * 1024 * 1024;

    /// <summary>The body as a parsed JSON document (the caller disposes it).</summary>
    public static async Task<JsonDocument> ReadJsonAsync(HttpContext context)
    {
        var buffer = new MemoryStream();
        try
        {
            await context.Request.Body.CopyToAsync(buffer, context.RequestAborted);
        }
        catch (BadHttpRequestException error) when (error.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            throw new ApiException(413, $"body: the request body is over {MaxBodyBytes} bytes.");
        }
        catch (BadHttpRequestException error) when (error.Message.StartsWith("Unexpected end of request content", StringComparison.Ordinal))
        {
            // The connection closed before the body's Content-Length: the client sent part of it and left.
            throw new ApiException(ClientDisconnected, "body: the client disconnected before sending the whole body.");
        }
        catch (BadHttpRequestException error) when (!context.RequestAborted.IsCancellationRequested)
        {
            throw new ApiException(error.StatusCode, $"body: {error.Message}");
        }
        var bytes = buffer.GetBuffer().AsMemory(0, (int)buffer.Length);
        if (Utf8.ToUtf16(bytes.Span, new char[bytes.Length], out int valid, out _, replaceInvalidSequences: false) != OperationStatus.Done)
            throw new ApiException(400, $"body: the request body is not valid UTF-8 (byte offset {valid}).");
        if (bytes.Length == 0)
            throw new ApiException(400, "body: the request body is empty; send a JSON object.");
        try
        {
            return JsonDocument.Parse(bytes);
        }
        catch (JsonException error)
        {
            throw new ApiException(400, $"body: the request body is not valid JSON (line {error.LineNumber + 1}, byte {error.BytePositionInLine + 1}): {FirstSentence(error.Message)}");
        }
    }

    /// <summary>One row from a JSON object; <paramref name="where"/> prefixes field names in errors ("" or "[3].").</summary>
    public static object ReadRow(JsonElement element, RowTypes rows, string where = "")
    {
        string fields = string.Join(", ", rows.Inputs.Where(input => input.Required).Select(input => $"\"{input.Name}\""));
        if (element.ValueKind != JsonValueKind.Object)
            throw new ApiException(400, $"{(where.Length == 0 ? "body" : where.TrimEnd('.'))}: expected a JSON object with {fields}, not {Describe(element)}.");
        var row = rows.NewInput();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var property in element.EnumerateObject())
        {
            var input = rows.Inputs.FirstOrDefault(candidate => candidate.Name == property.Name)
                ?? throw new ApiException(400, $"{where}{property.Name}: unknown field; this model reads {fields}{Optional(rows)}.");
            if (!seen.Add(property.Name))
                throw new ApiException(400, $"{where}{property.Name}: the field appears twice.");
            input.Field.SetValue(row, Read(property.Value, input, $"{where}{property.Name}"));
        }
        var missing = rows.Inputs.FirstOrDefault(input => input.Required && !seen.Contains(input.Name));
        if (missing is not null)
            throw new ApiException(400, $"{where}{missing.Name}: missing field; this model reads {fields}.");
        return row;
    }

    /// <summary>The rows of a batch (a JSON array of 1 to 256 objects).</summary>
    public static List<object> ReadBatch(JsonElement element, RowTypes rows)
    {
        if (element.ValueKind != JsonValueKind.Array)
            throw new ApiException(400, $"body: expected a JSON array of 1 to {MaxBatchRows} objects, not {Describe(element)}.");
        int count = element.GetArrayLength();
        if (count == 0)
            throw new ApiException(400, $"body: the batch is empty; send 1 to {MaxBatchRows} objects.");
        if (count > MaxBatchRows)
            throw new ApiException(400, $"body: the batch has {count} objects; at most {MaxBatchRows}.");
        return element.EnumerateArray().Select((item, i) => ReadRow(item, rows, $"[{i}].")).ToList();
    }

    private static string Optional(RowTypes rows)
    {
        var optional = rows.Inputs.Where(input => !input.Required).Select(input => $"\"{input.Name}\"").ToList();
        return optional.Count == 0 ? "" : $" (optional, not used to predict: {string.Join(", ", optional)})";
    }

    private static object Read(JsonElement value, RowField input, string name)
    {
        if (input.ClrType.IsArray)
        {
            if (value.ValueKind != JsonValueKind.Array)
                throw new ApiException(400, $"{name}: expected a JSON array, not {Describe(value)}.");
            var itemType = input.ClrType.GetElementType()!;
            var items = value.EnumerateArray().Select((item, i) => Scalar(item, itemType, input.Required, $"{name}[{i}]")).ToArray();
            if (input.Required && items.Length == 0)
                throw new ApiException(400, $"{name}: the array is empty.");
            if (input.ColumnType is Microsoft.ML.Data.VectorDataViewType { IsKnownSize: true } vector && items.Length != vector.Size)
                throw new ApiException(400, $"{name}: expected {vector.Size} items, not {items.Length}.");
            var array = Array.CreateInstance(itemType, items.Length);
            Array.Copy(items, array, items.Length);
            return array;
        }
        return Scalar(value, input.ClrType, input.Required, name);
    }

    private static object Scalar(JsonElement value, Type type, bool required, string name)
    {
        if (type == typeof(string))
        {
            if (value.ValueKind != JsonValueKind.String)
                throw new ApiException(400, $"{name}: expected a string, not {Describe(value)}.");
            string text = value.GetString()!;
            int bytes = Encoding.UTF8.GetByteCount(text);
            if (bytes > MaxTextBytes)
                throw new ApiException(413, $"{name}: the text is {bytes} bytes of UTF-8; at most {MaxTextBytes} (64 KiB).");
            if (required && string.IsNullOrWhiteSpace(text))
                throw new ApiException(400, $"{name}: the text is empty.");
            return text;
        }
        if (type == typeof(bool))
        {
            return value.ValueKind switch
            {
                JsonValueKind.True => true,
                JsonValueKind.False => false,
                _ => throw new ApiException(400, $"{name}: expected true or false, not {Describe(value)}."),
            };
        }
        if (value.ValueKind != JsonValueKind.Number)
            throw new ApiException(400, $"{name}: expected a number, not {Describe(value)}.");
        object? number = Type.GetTypeCode(type) switch
        {
            TypeCode.Single => value.TryGetSingle(out float f) && float.IsFinite(f) ? f : null,
            TypeCode.Double => value.TryGetDouble(out double d) && double.IsFinite(d) ? d : null,
            TypeCode.Int32 => value.TryGetInt32(out int i) ? i : null,
            TypeCode.Int64 => value.TryGetInt64(out long l) ? l : null,
            TypeCode.UInt32 => value.TryGetUInt32(out uint u) ? u : null,
            TypeCode.UInt64 => value.TryGetUInt64(out ulong ul) ? ul : null,
            TypeCode.Int16 => value.TryGetInt16(out short s) ? s : null,
            TypeCode.UInt16 => value.TryGetUInt16(out ushort us) ? us : null,
            TypeCode.Byte => value.TryGetByte(out byte b) ? b : null,
            TypeCode.SByte => value.TryGetSByte(out sbyte sb) ? sb : null,
            _ => null,
        };
        return number ?? throw new ApiException(400, $"{name}: {value.GetRawText()} is not a valid {type.Name}.");
    }

    private static string Describe(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Null => "null",
        _ => value.ValueKind.ToString(),
    };

    private static string FirstSentence(string message)
    {
        int end = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
        if (end < 0) end = message.IndexOf(" Path:", StringComparison.Ordinal);
        return (end > 0 ? message[..end] : message).ReplaceLineEndings(" ");
    }
}
