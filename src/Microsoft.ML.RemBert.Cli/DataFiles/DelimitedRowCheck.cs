namespace Microsoft.ML.RemBert.Cli.DataFiles;

/// <summary>
/// ML.NET's TextLoader fills missing fields with defaults and drops extra ones, so a ragged row would be scored as if
/// nothing were wrong. This scan refuses a file whose records do not all have the header's number of fields, naming the
/// line (records as <see cref="DelimitedRecords"/> splits them).
/// </summary>
internal static class DelimitedRowCheck
{
    public static void Run(string path, char separator, bool quoting, int headerFields)
    {
        foreach (var record in DelimitedRecords.Read(path, separator, quoting).Skip(1))
            RequireFieldCount(path, record, headerFields);
    }

    /// <summary>Throws naming the file and line when <paramref name="record"/> does not have <paramref name="headerFields"/> fields.</summary>
    public static void RequireFieldCount(string path, DelimitedRecord record, int headerFields)
    {
        if (record.Fields.Count != headerFields)
            throw new InvalidDataException($"{path}: line {record.Line} has {record.Fields.Count} fields; the header has {headerFields}.");
    }
}
