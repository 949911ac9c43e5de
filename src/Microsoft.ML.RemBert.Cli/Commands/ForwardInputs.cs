using System.Text.Json;
using Microsoft.ML.RemBert.IO;
using static TorchSharp.torch;

namespace Microsoft.ML.RemBert.Cli.Commands;

/// <summary>
/// The inputs file of <c>rembert forward</c>: a JSON object (a UTF-8 BOM is accepted) with <c>input_ids</c> and optional
/// <c>token_type_ids</c> and <c>attention_mask</c>, each a rectangular nested array of integers ([batch][length], or
/// [batch][choices][length] for multiple choice). Everything else — another top-level value, an unknown or duplicate
/// key, a ragged or non-integer array, an attention mask value other than 0 or 1 — is an
/// <see cref="InvalidDataException"/> naming the file and what was expected.
/// </summary>
public static class ForwardInputs
{
    /// <summary>The largest inputs file read (a batch of token ids is far smaller).</summary>
    public const long MaxFileBytes = 256L << 20;

    /// <summary>The keys the file may hold, in the order the model takes them.</summary>
    public static IReadOnlyList<string> Keys { get; } = ["input_ids", "token_type_ids", "attention_mask"];

    private const string Expected = "a JSON object with \"input_ids\" and optional \"token_type_ids\" and \"attention_mask\", each a [batch][length] array of integers";

    /// <summary>Reads and validates <paramref name="path"/>: every key present, as an int64 tensor on the CPU.</summary>
    public static Dictionary<string, Tensor> Read(string path)
    {
        using var document = JsonInputFile.Parse(path, MaxFileBytes, "a forward inputs file");
        return Parse(document.RootElement, path);
    }

    /// <summary>Validates an already parsed document read from <paramref name="source"/>.</summary>
    public static Dictionary<string, Tensor> Parse(JsonElement root, string source)
    {
        if (root.ValueKind != JsonValueKind.Object)
            throw new InvalidDataException($"{source}: the top level is {Describe(root.ValueKind)}; expected {Expected}.");
        foreach (var property in root.EnumerateObject())
            if (!Keys.Contains(property.Name))
                throw new InvalidDataException($"{source}: unknown key '{property.Name}'; the keys are {string.Join(", ", Keys)}.");
        if (!root.TryGetProperty("input_ids", out _))
            throw new InvalidDataException($"{source}: the key 'input_ids' is missing; expected {Expected}.");

        var result = new Dictionary<string, Tensor>();
        foreach (var name in Keys)
        {
            if (!root.TryGetProperty(name, out var element)) continue;
            var shape = new List<long>();
            var values = new List<long>();
            Flatten(element, 0, shape, values, source, name);
            if (name == "attention_mask") CheckMask(values, shape, source);
            result[name] = tensor(values.ToArray(), shape.ToArray(), ScalarType.Int64);
        }
        return result;
    }

    /// <summary>Flattens nested integer arrays row-major, checking that every row at a depth has the same length.</summary>
    private static void Flatten(JsonElement element, int depth, List<long> shape, List<long> values, string path, string key)
    {
        if (element.ValueKind != JsonValueKind.Array)
        {
            if (element.ValueKind != JsonValueKind.Number || !element.TryGetInt64(out var v))
                throw new InvalidDataException($"{path}: '{key}' holds {Abbreviate(element.GetRawText())} where an integer is expected.");
            if (depth == 0) throw new InvalidDataException($"{path}: '{key}' is a single number; expected a [batch][length] array of integers.");
            if (depth != shape.Count) throw new InvalidDataException($"{path}: '{key}' is ragged (a number at depth {depth}).");
            values.Add(v);
            return;
        }
        int length = element.GetArrayLength();
        // A new, deeper dimension after the first number ([[1, 2], [3, [4]]]) is ragged too, even when the counts multiply out.
        if (depth == shape.Count && values.Count > 0)
            throw new InvalidDataException($"{path}: '{key}' is ragged (an array at depth {depth}, where numbers were found before).");
        if (depth == shape.Count) shape.Add(length);
        else if (shape[depth] != length)
            throw new InvalidDataException($"{path}: '{key}' is ragged: a row at depth {depth} has {length} items, another {shape[depth]}.");
        foreach (var child in element.EnumerateArray()) Flatten(child, depth + 1, shape, values, path, key);
    }

    /// <summary>transformers multiplies by the mask: a 2 or -1 would silently weight or invert attention.</summary>
    private static void CheckMask(List<long> values, List<long> shape, string path)
    {
        int bad = values.FindIndex(v => v is not (0 or 1));
        if (bad < 0) return;
        long length = shape[^1];
        long row = bad / length, position = bad % length;
        throw new InvalidDataException($"{path}: 'attention_mask' holds {values[bad]} at row {RowIndex(row, shape)}, position {position}; only 0 (padding) and 1 (token) are allowed.");
    }

    /// <summary>"3" for [batch][length]; "[1][0]" for [batch][choices][length].</summary>
    private static string RowIndex(long row, List<long> shape)
    {
        if (shape.Count <= 2) return row.ToString();
        var indices = new long[shape.Count - 1];
        for (int d = indices.Length - 1; d >= 0; d--)
        {
            indices[d] = row % shape[d];
            row /= shape[d];
        }
        return string.Concat(indices.Select(i => $"[{i}]"));
    }

    private static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Null => "null",
        _ => kind.ToString(),
    };

    private static string Abbreviate(string text) => text.Length <= 40 ? text : text[..40] + "…";
}
