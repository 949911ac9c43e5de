using System.Globalization;
using Microsoft.ML.Data;

namespace Microsoft.ML.RemBert.Cli.DataFiles;

/// <summary>
/// Reads the sentence tasks' .tsv/.csv files: a header naming <c>Label</c>, <c>Sentence1</c> and optionally
/// <c>Sentence2</c> (in any order; other columns are ignored), one example per record. Produces those columns with the
/// label typed for the task, and refuses a bad value naming the file, line and column. For multi-label the label is a
/// vector of text read from the labels joined by <c>,</c> (an empty field: no label).
/// </summary>
internal static class SentenceFileReader
{
    public const string Label = "Label", Sentence1 = "Sentence1", Sentence2 = "Sentence2";

    /// <summary>
    /// Reads <paramref name="path"/>; <paramref name="labelType"/> is Text, Boolean, Single or a vector of text (labels
    /// joined by commas). When <paramref name="labelRequired"/> is false, a file without a Label column is read without one.
    /// </summary>
    public static IDataView Read(string path, DataViewType labelType, bool labelRequired = true)
    {
        TextVectors.RequireFile(path);
        var (separator, quoting) = DelimitedRecords.FormatOf(path);
        using var records = DelimitedRecords.Read(path, separator, quoting).GetEnumerator();
        if (!records.MoveNext())
            throw new InvalidDataException($"{path}: the file is empty; its first line must name the columns ({Label}, {Sentence1}, optional {Sentence2}).");
        var header = records.Current.Fields.Select(name => name.Trim()).ToList();
        int label = labelRequired ? Required(path, header, Label) : header.IndexOf(Label);
        int sentence1 = Required(path, header, Sentence1), sentence2 = header.IndexOf(Sentence2);

        var schema = new DataViewSchema.Builder();
        if (label >= 0) schema.AddColumn(Label, labelType);
        schema.AddColumn(Sentence1, TextDataViewType.Instance);
        if (sentence2 >= 0) schema.AddColumn(Sentence2, TextDataViewType.Instance);
        var rows = new List<object[]>();
        while (records.MoveNext())
        {
            var record = records.Current;
            DelimitedRowCheck.RequireFieldCount(path, record, header.Count);
            var cells = new List<object>(3);
            if (label >= 0) cells.Add(ParseLabel(path, record.Line, record.Fields[label], labelType));
            cells.Add(record.Fields[sentence1].AsMemory());
            if (sentence2 >= 0) cells.Add(record.Fields[sentence2].AsMemory());
            rows.Add([.. cells]);
        }
        if (rows.Count == 0) throw new InvalidDataException($"{path}: the file has a header but no examples.");
        return new InMemoryDataView(schema.ToSchema(), rows);
    }

    private static int Required(string path, List<string> header, string name)
    {
        int index = header.IndexOf(name);
        return index >= 0 ? index
            : throw new InvalidDataException($"{path}: line 1 (the header) has no column '{name}'; it has: {string.Join(", ", header)}.");
    }

    private static object ParseLabel(string path, int line, string text, DataViewType type)
    {
        string value = text.Trim();
        if (type is VectorDataViewType)
        {
            // Multi-label: "a,b" is two labels, an empty field none; an empty name between commas is a mistake.
            var labels = value.Length == 0 ? [] : value.Split(',').Select(name => name.Trim()).ToArray();
            return labels.Any(name => name.Length == 0) ? throw Bad(path, line, text, "a label list with an empty label (labels are joined by ',')")
                : TextVectors.Of(labels);
        }
        if (type is TextDataViewType)
            return value.Length > 0 ? value.AsMemory() : throw Bad(path, line, text, "an empty label");
        if (type.RawType == typeof(bool))
            return value.ToLowerInvariant() switch
            {
                "true" or "1" or "yes" => true,
                "false" or "0" or "no" => false,
                _ => throw Bad(path, line, text, "not a Boolean (true/false, 1/0, yes/no)"),
            };
        return float.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out float number) && float.IsFinite(number)
            ? number : throw Bad(path, line, text, "not a finite number");
    }

    private static InvalidDataException Bad(string path, int line, string text, string what)
        => new($"{path}: line {line}, column '{Label}': '{text}' is {what}.");
}
