using System.Text;
using Microsoft.ML.RemBert.IO;

namespace Microsoft.ML.RemBert.Cli.DataFiles;

/// <summary>One record of a delimited file: its fields and the line it starts on (from 1).</summary>
internal sealed record DelimitedRecord(int Line, IReadOnlyList<string> Fields);

/// <summary>
/// Splits a .tsv or .csv file into records. CSV follows RFC 4180 quoting (a quoted field may hold separators, doubled
/// quotes and line breaks); in TSV a quote is ordinary text. Blank lines are skipped, as ML.NET's TextLoader skips them.
/// The header is the first record. Lines are read by <see cref="DataFileLines"/>' rules (UTF-8, a bounded length).
/// </summary>
internal static class DelimitedRecords
{
    /// <summary>The separator and quoting of a file, from its extension (.tsv or .csv).</summary>
    public static (char Separator, bool Quoting) FormatOf(string path) => Path.GetExtension(path).ToLowerInvariant() switch
    {
        ".tsv" => ('\t', false),
        ".csv" => (',', true),
        var other => throw new InvalidDataException($"{path}: unknown extension '{other}' (use .tsv or .csv)."),
    };

    public static IEnumerable<DelimitedRecord> Read(string path, char separator, bool quoting)
    {
        int recordLine = 0;
        bool inQuotes = false;
        var fields = new List<string>();
        var field = new StringBuilder();
        foreach (var (lineNumber, line) in DataFileLines.Read(path))
        {
            if (!inQuotes)
            {
                if (line.Length == 0) continue;
                recordLine = lineNumber;
                fields = [];
                field.Clear();
            }
            else
            {
                field.Append('\n'); // the line break inside the quoted field is part of its text
            }
            for (int i = 0; i < line.Length; i++)
            {
                char c = line[i];
                if (quoting && c == '"')
                {
                    if (inQuotes && i + 1 < line.Length && line[i + 1] == '"') { field.Append('"'); i++; }
                    else inQuotes = !inQuotes;
                }
                else if (c == separator && !inQuotes)
                {
                    fields.Add(field.ToString());
                    field.Clear();
                }
                else field.Append(c);
            }
            if (inQuotes && field.Length > DataFileLines.MaxLineBytes) throw DataFileLines.TooLong(path, recordLine, DataFileLines.MaxLineBytes);
            if (inQuotes) continue; // the quoted field goes on past this line break
            fields.Add(field.ToString());
            yield return new DelimitedRecord(recordLine, fields);
        }
        if (inQuotes) throw new InvalidDataException($"{path}: line {recordLine} opens a quoted field that never closes.");
    }
}
