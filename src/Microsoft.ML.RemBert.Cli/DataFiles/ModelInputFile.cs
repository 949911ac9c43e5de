using Microsoft.ML.Data;

namespace Microsoft.ML.RemBert.Cli.DataFiles;

/// <summary>
/// Reads a data file (.tsv, .csv with a header line, or .jsonl) as input for a saved ML.NET model: the columns
/// are those of the model's input schema that the file has, with the schema's types. Columns the file lacks are
/// left out, so the model itself reports (by name) any column it really needs.
/// </summary>
public static class ModelInputFile
{
    /// <summary>Loads <paramref name="path"/> with the columns of <paramref name="inputSchema"/> it contains.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file shares no column with the schema, or a row is malformed.</exception>
    public static IDataView Load(MLContext mlContext, string path, DataViewSchema inputSchema)
    {
        ArgumentNullException.ThrowIfNull(mlContext);
        ArgumentNullException.ThrowIfNull(inputSchema);
        if (!File.Exists(path))
            throw new FileNotFoundException($"Input file '{path}' does not exist.", path);

        string extension = Path.GetExtension(path).ToLowerInvariant();
        IReadOnlyList<string> fileColumns = extension switch
        {
            ".tsv" => DelimitedFileReader.ReadHeader(path, '\t'),
            ".csv" => DelimitedFileReader.ReadHeader(path, ','),
            ".jsonl" => JsonLinesReader.ReadPropertyNames(path),
            _ => throw new NotSupportedException($"Input file '{path}': unknown extension '{extension}' (use .tsv, .csv or .jsonl)."),
        };
        var columns = inputSchema.Where(column => !column.IsHidden && fileColumns.Contains(column.Name)).ToList();
        if (columns.Count == 0)
            throw new InvalidDataException(
                $"Input file '{path}' has none of the model's input columns ({string.Join(", ", inputSchema.Where(c => !c.IsHidden).Select(c => c.Name))}); it has: {string.Join(", ", fileColumns)}.");

        return extension switch
        {
            ".tsv" => DelimitedFileReader.Read(mlContext, path, '\t', columns),
            ".csv" => DelimitedFileReader.Read(mlContext, path, ',', columns),
            _ => JsonLinesReader.Read(path, columns),
        };
    }
}
