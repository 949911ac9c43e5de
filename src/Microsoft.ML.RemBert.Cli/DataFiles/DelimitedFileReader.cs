using Microsoft.ML.Data;
using Microsoft.ML.RemBert.IO;

namespace Microsoft.ML.RemBert.Cli.DataFiles;

/// <summary>
/// Reads a .tsv or .csv file whose first line names its columns, through ML.NET's TextLoader: columns are matched
/// by header name (not position) and typed from the model's input schema.
/// </summary>
internal static class DelimitedFileReader
{
    /// <summary>The header's column names.</summary>
    public static IReadOnlyList<string> ReadHeader(string path, char separator)
    {
        string? header = DataFileLines.Read(path).Select(line => line.Text).FirstOrDefault();
        if (string.IsNullOrEmpty(header))
            throw new InvalidDataException($"{path}: the first line must name the columns, but the file is empty.");
        return header.Split(separator).Select(name => name.Trim().Trim('"')).ToList();
    }

    public static IDataView Read(MLContext mlContext, string path, char separator, IReadOnlyList<DataViewSchema.Column> columns)
    {
        var header = ReadHeader(path, separator);
        bool isCsv = separator == ',';
        DelimitedRowCheck.Run(path, separator, quoting: isCsv, header.Count);
        var loaderColumns = new List<TextLoader.Column>();
        foreach (var column in columns)
        {
            if (column.Type is VectorDataViewType)
                throw new NotSupportedException($"Column '{column.Name}' is a vector; use a .jsonl input file for vector columns.");
            int index = IndexOf(header, column.Name);
            loaderColumns.Add(new TextLoader.Column(column.Name, ColumnKinds.KindOf(column), index));
        }
        var options = new TextLoader.Options
        {
            Separators = [separator],
            HasHeader = true,
            // Quoting is a CSV convention; in TSV a quote is an ordinary character of the text.
            AllowQuoting = isCsv,
            ReadMultilines = isCsv,
            TrimWhitespace = false,
            AllowSparse = false,
            Columns = loaderColumns.ToArray(),
        };
        return mlContext.Data.CreateTextLoader(options).Load(path);
    }

    private static int IndexOf(IReadOnlyList<string> header, string name)
    {
        for (int i = 0; i < header.Count; i++)
        {
            if (header[i] == name)
                return i;
        }
        return -1;
    }
}
