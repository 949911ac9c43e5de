namespace Microsoft.ML.RemBert.Cli.DataFiles;

/// <summary>
/// ML.NET's TextLoader fills missing fields with defaults and drops extra ones, so a ragged row would be scored as if
/// nothing were wrong. This scan refuses a file whose records do not all have the header's number of fields, naming the
/// line. CSV follows RFC 4180 quoting (a quoted field may hold separators, doubled quotes and line breaks); in TSV a quote
/// is ordinary text. Blank lines are skipped, as the loader skips them.
/// </summary>
internal static class DelimitedRowCheck
{
    public static void Run(string path, char separator, bool quoting, int headerFields)
    {
        using var reader = new StreamReader(path, detectEncodingFromByteOrderMarks: true);
        int lineNumber = 0, recordLine = 0, fields = 1;
        bool inQuotes = false, recordHasText = false, first = true;
        for (var line = reader.ReadLine(); line is not null; line = reader.ReadLine())
        {
            lineNumber++;
            if (!inQuotes)
            {
                if (line.Length == 0) continue;
                recordLine = lineNumber;
                fields = 1;
                recordHasText = false;
            }
            foreach (char c in line)
            {
                recordHasText = true;
                if (quoting && c == '"') inQuotes = !inQuotes; // a doubled quote toggles twice
                else if (c == separator && !inQuotes) fields++;
            }
            if (inQuotes) continue; // the quoted field goes on past this line break
            if (first) { first = false; continue; } // the header itself
            if (recordHasText && fields != headerFields)
                throw new InvalidDataException($"{path}: line {recordLine} has {fields} fields; the header has {headerFields}.");
        }
        if (inQuotes) throw new InvalidDataException($"{path}: line {recordLine} opens a quoted field that never closes.");
    }
}
