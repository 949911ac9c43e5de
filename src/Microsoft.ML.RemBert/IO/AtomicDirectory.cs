namespace Microsoft.ML.RemBert.IO;

/// <summary>
/// Writes a directory of files as one save (e.g. a training checkpoint): the files go into
/// <c>NAME.rembert-partial-PID-XXXXXXXX</c> beside NAME, each flushed to disk, and the directory is renamed to NAME only
/// when all are complete. A reader listing the parent sees NAME whole or not at all; a failure, a cancellation or a
/// kill leaves at most the partial directory, which is deleted on failure or, after a kill, by the next write into the
/// same parent (as <see cref="AtomicFile"/> does for partial files of dead processes). Not thread-safe for one target.
/// </summary>
internal static class AtomicDirectory
{
    /// <summary>
    /// Creates <paramref name="target"/> (which must not exist) with the files <paramref name="fill"/> writes into the
    /// directory it is given; use <see cref="CreateFile"/> there so each file reaches the disk before the rename.
    /// </summary>
    /// <exception cref="IOException"><paramref name="target"/> already exists.</exception>
    public static void Write(string target, Action<string> fill, CancellationToken cancellationToken)
    {
        target = Path.GetFullPath(target);
        string parent = Path.GetDirectoryName(target)!;
        Directory.CreateDirectory(parent);
        TemporaryFiles.RemoveStalePartials(parent);
        if (Directory.Exists(target) || File.Exists(target))
            throw new IOException($"Cannot write {target}: it already exists.");
        string partial = TemporaryFiles.PartialFor(target);
        Directory.CreateDirectory(partial);
        try
        {
            fill(partial);
            cancellationToken.ThrowIfCancellationRequested();
            Directory.Move(partial, target); // one rename: atomic on one file system
        }
        finally
        {
            if (Directory.Exists(partial))
            {
                try { Directory.Delete(partial, recursive: true); }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
            }
        }
    }

    /// <summary>Writes the file <paramref name="name"/> of a directory being filled, flushed to disk when <paramref name="write"/> returns.</summary>
    public static void CreateFile(string directory, string name, Action<Stream> write)
    {
        using var stream = new FileStream(Path.Combine(directory, name), FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 20);
        write(stream);
        stream.Flush(flushToDisk: true);
    }
}
