namespace Microsoft.ML.RemBert.Cli.DataFiles;

/// <summary>
/// Standard input saved to a temporary <c>.jsonl</c> file, so that it can be read as a data file (the readers read a
/// file's header before its rows); deleted on dispose.
/// </summary>
internal sealed class StandardInputCopy : IDisposable
{
    private readonly string directory;

    private StandardInputCopy(string directory, string path)
    {
        this.directory = directory;
        Path = path;
    }

    /// <summary>The copy's path (named <c>stdin.jsonl</c>, so errors say where the rows came from).</summary>
    public string Path { get; }

    public static StandardInputCopy Create(CancellationToken cancellationToken)
    {
        string directory = Directory.CreateTempSubdirectory("rembert-stdin-").FullName;
        var copy = new StandardInputCopy(directory, System.IO.Path.Combine(directory, "stdin.jsonl"));
        try
        {
            using var input = Console.OpenStandardInput();
            using var file = File.Create(copy.Path);
            input.CopyToAsync(file, cancellationToken).GetAwaiter().GetResult();
        }
        catch
        {
            copy.Dispose();
            throw;
        }
        return copy;
    }

    public void Dispose() => Directory.Delete(directory, recursive: true);
}
