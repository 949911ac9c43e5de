using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.ML.RemBert.IO;

namespace Microsoft.ML.RemBert.Modeling;

/// <summary>
/// Reads typed fields out of one config.json object, reporting the file, key and JSON value of any field of the wrong
/// type, and remembers which keys were read so that the rest can be kept verbatim.
/// </summary>
internal sealed class ConfigJsonReader
{
    private delegate bool TryRead<T>(JsonNode? node, out T value);

    private readonly JsonObject _json;
    private readonly string _source;
    private readonly HashSet<string> _read = new(StringComparer.Ordinal);

    public ConfigJsonReader(JsonObject json, string source)
    {
        _json = json;
        _source = source;
    }

    public bool Has(string key) => _json.ContainsKey(key);

    public int Int(string key, int fallback) => Required<int>(key, fallback, TryInt, "an integer");

    public double Double(string key, double fallback) => Required<double>(key, fallback, TryDouble, "a number");

    public bool Bool(string key, bool fallback) => Required<bool>(key, fallback, TryBool, "true or false");

    public string String(string key, string fallback) => Required<string>(key, fallback, TryString, "a string");

    public int? NullableInt(string key, int? fallback) =>
        IsNull(key, out var present) ? null : present ? Int(key, 0) : fallback;

    public string? NullableString(string key, string? fallback) =>
        IsNull(key, out var present) ? null : present ? String(key, "") : fallback;

    public IReadOnlyList<string>? StringList(string key) =>
        IsNull(key, out var present) || !present ? null : Required<List<string>>(key, new(), TryStringList, "a list of strings");

    /// <summary>id2label: class indices, written as JSON object keys ("0", "1", …), to label names.</summary>
    public IReadOnlyDictionary<int, string>? IntKeyedStrings(string key) =>
        IsNull(key, out var present) || !present ? null
            : Required<Dictionary<int, string>>(key, new(), TryIntKeyedStrings, "an object mapping class indices (\"0\", \"1\", …) to label names");

    /// <summary>label2id: label names to class indices.</summary>
    public IReadOnlyDictionary<string, int>? StringKeyedInts(string key) =>
        IsNull(key, out var present) || !present ? null
            : Required<Dictionary<string, int>>(key, new(), TryStringKeyedInts, "an object mapping label names to class indices");

    /// <summary>Every field not read so far, as raw JSON text by key.</summary>
    public IReadOnlyDictionary<string, string> Unread() =>
        _json.Where(kv => !_read.Contains(kv.Key)).ToDictionary(kv => kv.Key, kv => kv.Value?.ToJsonString() ?? "null");

    private bool IsNull(string key, out bool present)
    {
        _read.Add(key);
        present = _json.TryGetPropertyValue(key, out var node);
        return present && node is null;
    }

    private T Required<T>(string key, T fallback, TryRead<T> read, string expected)
    {
        _read.Add(key);
        if (!_json.TryGetPropertyValue(key, out var node)) return fallback;
        if (read(node, out var value)) return value;
        var text = node?.ToJsonString() ?? "null";
        // A whole number the field's type cannot hold is out of range, not "not an integer".
        if (typeof(T) == typeof(int) && node is JsonValue v && v.GetValueKind() == JsonValueKind.Number && JsonFiles.IsIntegralNumber(text))
            throw new RemBertConfigException(_source, key, text, $"is out of range: must be an integer in [{int.MinValue}, {int.MaxValue}]");
        throw new RemBertConfigException(_source, key, text, $"must be {expected}");
    }

    private static bool TryInt(JsonNode? node, out int value)
    {
        value = 0;
        return node is JsonValue v && v.GetValueKind() == JsonValueKind.Number && v.TryGetValue(out value);
    }

    private static bool TryDouble(JsonNode? node, out double value)
    {
        value = 0;
        return node is JsonValue v && v.GetValueKind() == JsonValueKind.Number && v.TryGetValue(out value);
    }

    private static bool TryBool(JsonNode? node, out bool value)
    {
        value = false;
        return node is JsonValue v && v.GetValueKind() is JsonValueKind.True or JsonValueKind.False && v.TryGetValue(out value);
    }

    private static bool TryString(JsonNode? node, out string value)
    {
        value = "";
        return node is JsonValue v && v.GetValueKind() == JsonValueKind.String && v.TryGetValue(out value!);
    }

    private static bool TryStringList(JsonNode? node, out List<string> value)
    {
        value = new();
        if (node is not JsonArray array) return false;
        foreach (var item in array)
        {
            if (!TryString(item, out var text)) return false;
            value.Add(text);
        }
        return true;
    }

    private static bool TryIntKeyedStrings(JsonNode? node, out Dictionary<int, string> value)
    {
        value = new();
        if (node is not JsonObject obj) return false;
        foreach (var (key, item) in obj)
        {
            // "0" and "00" name the same class: a repeated index is as wrong as a repeated key.
            if (!int.TryParse(key, out var id) || !TryString(item, out var name) || value.ContainsKey(id)) return false;
            value[id] = name;
        }
        return true;
    }

    private static bool TryStringKeyedInts(JsonNode? node, out Dictionary<string, int> value)
    {
        value = new();
        if (node is not JsonObject obj) return false;
        foreach (var (key, item) in obj)
        {
            if (!TryInt(item, out var id)) return false;
            value[key] = id;
        }
        return true;
    }
}
