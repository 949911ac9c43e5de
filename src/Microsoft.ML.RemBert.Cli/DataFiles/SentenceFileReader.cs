using System.Globalization;
using Microsoft.ML.Data;

namespace Microsoft.ML.RemBert.Cli.DataFiles;

/// <summary>
/// Reads the sentence tasks' .tsv/.csv files: a header naming <c>Label</c>, <c>Sentence1</c> and optionally
/// <c>Sentence2</c> (in any order; other columns are ignored), one example per record. Produces those columns with the
/// label typed for the task, and refuses a bad value naming the file, line and column.
/// </summary>
internal static class SentenceFileReader
{
    public const string Label = "Label", Sentence1 = "Sentence1", Sentence2 = "Sentence2";

    /// <summary>Reads <paramref name="path"/>; <paramref name="labelType"/> is Text, Boolean or Single.</summary>
    public static IDataView Read(string path, PrimitiveDataViewType labelType)
    {
        TextVectors.RequireFile(path);
        var (separator, quoting) = DelimitedRecords.FormatOf(path);
        using var records = DelimitedRecords.Read(path, separator, quoting).GetEnumerator();
        if (!records.MoveNext())
            throw new InvalidDataException($"{path}: the file is empty; its first line must name the columns ({Label}, {Sentence1}, optional {Sentence2}).");
        var header = records.Current.Fields.Select(name => name.Trim()).ToList();
        int label = Required(path, header, Label), sentence1 = Required(path, header, Sentence1), sentence2 = header.IndexOf(Sentence2);

        var schema = new DataViewSchema.Builder();
        schema.AddColumn(Label, labelType);
        schema.AddColumn(Sentence1, TextDataViewType.Instance);
        if (sentence2 >= 0) schema.AddColumn(Sentence2, TextDataViewType.Instance);
        var rows = new List<object[]>();
        while (records.MoveNext())
        {
            var record = records.Current;
            DelimitedRowCheck.RequireFieldCount(path, record, header.Count);
            object labelValue = ParseLabel(path, record.Line, record.Fields[label], labelType);
            rows.Add(sentence2 >= 0
                ? [labelValue, record.Fields[sentence1].AsMemory(), record.Fields[sentence2].AsMemory()]
                : [labelValue, record.Fields[sentence1].AsMemory()]);
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

    private static object ParseLabel(string path, int line, string text, PrimitiveDataViewType type)
    {
        string value = text.Trim();
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
