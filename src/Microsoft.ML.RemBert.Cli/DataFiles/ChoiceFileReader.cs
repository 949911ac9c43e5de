using System.Text.Json;
using Microsoft.ML.Data;
using Microsoft.ML.RemBert.IO;

namespace Microsoft.ML.RemBert.Cli.DataFiles;

/// <summary>
/// Reads multiple-choice JSON lines, <c>{"prompt": "...", "choices": ["...", ...], "label": 0}</c>, into <c>Prompt</c>,
/// <c>Choices</c> and <c>Label</c> (UInt32, the index of the right choice). Every row has the same number of choices;
/// an error names the file, line and key.
/// </summary>
internal static class ChoiceFileReader
{
    public const string Prompt = "Prompt", Choices = "Choices", Label = "Label";

    /// <summary>Reads <paramref name="path"/>; without <paramref name="requireLabels"/> a row may have no <c>label</c> (input for prediction).</summary>
    public static IDataView Read(string path, bool requireLabels = true)
    {
        TextVectors.RequireFile(path);
        var rows = new List<object[]>();
        int? choiceCount = null;
        bool? labelled = null;
        foreach (var (lineNumber, line) in DataFileLines.Read(path))
        {
            if (string.IsNullOrWhiteSpace(line)) continue;
            using var document = JsonLinesReader.ParseLine(path, lineNumber, line);
            var row = document.RootElement;
            string prompt = Get(path, lineNumber, row, "prompt", JsonValueKind.String)!.Value.GetString()!;
            var choices = Get(path, lineNumber, row, "choices", JsonValueKind.Array)!.Value.EnumerateArray().Select((choice, i) =>
                choice.ValueKind == JsonValueKind.String ? choice.GetString()! : throw Bad(path, lineNumber, $"choices[{i}]", "is not a string")).ToList();
            if (choices.Count < 2) throw Bad(path, lineNumber, "choices", $"has {choices.Count} choice(s); at least 2 are needed");
            if (choiceCount is { } count && count != choices.Count)
                throw Bad(path, lineNumber, "choices", $"has {choices.Count} choices; the rows before have {count}");
            choiceCount = choices.Count;

            var labelElement = Get(path, lineNumber, row, "label", JsonValueKind.Number, required: requireLabels);
            if (labelled is { } previous && previous != labelElement.HasValue)
                throw Bad(path, lineNumber, "label", previous ? "is missing; the rows before have one" : "is given; the rows before have none");
            labelled = labelElement.HasValue;
            if (labelElement is { } label)
            {
                if (!label.TryGetUInt32(out uint index) || index >= choices.Count)
                    throw Bad(path, lineNumber, "label", $"{label.GetRawText()} is not the index of one of the {choices.Count} choices (0 to {choices.Count - 1})");
                rows.Add([prompt.AsMemory(), TextVectors.Of(choices), index]);
            }
            else rows.Add([prompt.AsMemory(), TextVectors.Of(choices)]);
        }
        if (rows.Count == 0) throw new InvalidDataException($"{path}: the file holds no row (one JSON object per line: prompt, choices, label).");
        var schema = new DataViewSchema.Builder();
        schema.AddColumn(Prompt, TextDataViewType.Instance);
        schema.AddColumn(Choices, TextVectors.Type);
        if (labelled == true) schema.AddColumn(Label, NumberDataViewType.UInt32);
        return new InMemoryDataView(schema.ToSchema(), rows);
    }

    private static JsonElement? Get(string path, int lineNumber, JsonElement row, string key, JsonValueKind kind, bool required = true)
    {
        if (!row.TryGetProperty(key, out var value))
            return required ? throw Bad(path, lineNumber, key, "is missing") : null;
        return value.ValueKind == kind ? value : throw Bad(path, lineNumber, key, $"is {value.ValueKind}, expected {kind}");
    }

    private static InvalidDataException Bad(string path, int lineNumber, string key, string what) => new($"{path}: line {lineNumber}, key '{key}' {what}.");
}
