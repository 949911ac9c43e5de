using Microsoft.ML.Data;

namespace Microsoft.ML.RemBert.Cli.DataFiles;

/// <summary>Cells of the task readers' columns, in ML.NET's own representation.</summary>
internal static class TextVectors
{
    /// <summary>A variable-length vector of text (words, tags, choices).</summary>
    public static readonly VectorDataViewType Type = new(TextDataViewType.Instance);

    public static VBuffer<ReadOnlyMemory<char>> Of(IEnumerable<string> items)
    {
        var values = items.Select(item => item.AsMemory()).ToArray();
        return new VBuffer<ReadOnlyMemory<char>>(values.Length, values);
    }

    /// <summary>Throws <see cref="FileNotFoundException"/> naming a missing data file.</summary>
    public static void RequireFile(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"Data file '{path}' does not exist.", path);
    }
}
