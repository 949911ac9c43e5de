using System.Text.Json;

namespace PyTorchReference;

/// <summary>
/// Writes the reference's features JSON: <c>{"task", "labels", "train": [example...]}</c>, each example holding
/// <c>ids</c> and <c>types</c> (or one of each per choice) and its labels, as reference_finetune.py reads them.
/// </summary>
internal sealed class FeatureWriter : IDisposable
{
    private readonly string _path;
    private readonly string _temporary;
    private readonly FileStream _stream;
    private readonly Utf8JsonWriter _json;

    public FeatureWriter(string path, string head, IReadOnlyList<string>? labels)
    {
        _path = path;
        _temporary = path + ".tmp";
        _stream = File.Create(_temporary);
        _json = new Utf8JsonWriter(_stream, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        _json.WriteStartObject();
        _json.WriteString("task", head);
        if (labels is not null)
        {
            _json.WriteStartArray("labels");
            foreach (var label in labels)
                _json.WriteStringValue(label);
            _json.WriteEndArray();
        }
        _json.WriteStartArray("train");
    }

    /// <summary>Writes one example: <paramref name="write"/> adds its properties.</summary>
    public void Example(Action<Utf8JsonWriter> write)
    {
        _json.WriteStartObject();
        write(_json);
        _json.WriteEndObject();
    }

    /// <summary>Writes <paramref name="name"/>: [values].</summary>
    public static void Numbers(Utf8JsonWriter json, string name, IEnumerable<long> values)
    {
        json.WriteStartArray(name);
        foreach (long value in values)
            json.WriteNumberValue(value);
        json.WriteEndArray();
    }

    /// <summary>Writes <paramref name="name"/>: [[row values]...].</summary>
    public static void Rows(Utf8JsonWriter json, string name, IEnumerable<IEnumerable<long>> rows)
    {
        json.WriteStartArray(name);
        foreach (var row in rows)
            WriteRow(json, row);
        json.WriteEndArray();
    }

    private static void WriteRow(Utf8JsonWriter json, IEnumerable<long> values)
    {
        json.WriteStartArray();
        foreach (long value in values)
            json.WriteNumberValue(value);
        json.WriteEndArray();
    }

    /// <summary>Ends the JSON and moves the file into place (a reader never sees half a file).</summary>
    public void Complete()
    {
        _json.WriteEndArray();
        _json.WriteEndObject();
        _json.Flush();
        _stream.Flush();
        _json.Dispose();
        _stream.Dispose();
        File.Move(_temporary, _path, overwrite: true);
    }

    public void Dispose()
    {
        _json.Dispose();
        _stream.Dispose();
        if (File.Exists(_temporary))
            File.Delete(_temporary);
    }
}
