namespace Microsoft.ML.RemBert.IO;

/// <summary>
/// Writes files so that readers see either the old file or the complete new one: content goes to a temporary file
/// beside the target, which is renamed over it only after a successful flush. A failure or cancellation deletes the
/// temporary file, leaving nothing half-written.
/// </summary>
internal static class AtomicFile
{
    private const int WriteBufferBytes = 1 << 20;

    /// <summary>Writes <paramref name="path"/> through <paramref name="write"/>, atomically.</summary>
    public static void Write(string path, Action<Stream, CancellationToken> write, CancellationToken cancellationToken) =>
        WriteAll(new[] { (path, write) }, cancellationToken);

    /// <summary>Writes <paramref name="path"/> through <paramref name="write"/>, atomically, with no cancellation.</summary>
    public static void Write(string path, Action<Stream> write) =>
        Write(path, (stream, _) => write(stream), CancellationToken.None);

    /// <summary>
    /// Writes every file to its temporary name first and renames them into place only when all were written, so a
    /// failed or cancelled save changes none of them (e.g. weights and the config that describes them).
    /// </summary>
    public static void WriteAll(IReadOnlyList<(string Path, Action<Stream, CancellationToken> Write)> files, CancellationToken cancellationToken)
    {
        var temporaries = new List<string>();
        try
        {
            foreach (var (path, write) in files)
            {
                string temporary = TemporaryPathFor(path);
                temporaries.Add(temporary);
                using var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, WriteBufferBytes);
                write(stream, cancellationToken);
                cancellationToken.ThrowIfCancellationRequested();
                stream.Flush(flushToDisk: true);
            }
            for (int i = 0; i < files.Count; i++) File.Move(temporaries[i], Path.GetFullPath(files[i].Path), overwrite: true);
        }
        finally
        {
            foreach (var temporary in temporaries) File.Delete(temporary); // no-op for those already renamed
        }
    }

    private static string TemporaryPathFor(string path)
    {
        string fullPath = Path.GetFullPath(path);
        return Path.Combine(Path.GetDirectoryName(fullPath)!, $".{Path.GetFileName(fullPath)}.{Guid.NewGuid():N}.tmp");
    }
}
