namespace Microsoft.ML.RemBert.Cli.Commands;

/// <summary>
/// Standard output of a streaming command: a failed write (stdout on <c>/dev/full</c>, a closed pipe) becomes one
/// <see cref="IOException"/> naming standard output, and after it nothing is retried (disposing does not flush again,
/// which would throw a second time).
/// </summary>
internal sealed class StandardOutput(TextWriter writer) : IDisposable
{
    private bool failed;

    /// <summary>Runs <paramref name="write"/> on the writer, turning its I/O error into one naming standard output.</summary>
    public void Write(Action<TextWriter> write)
    {
        try
        {
            write(writer);
        }
        catch (IOException e)
        {
            failed = true;
            throw new IOException($"cannot write to standard output: {e.Message}", e);
        }
    }

    public void Dispose()
    {
        try { writer.Dispose(); }
        catch (IOException) when (failed) { }
    }
}
