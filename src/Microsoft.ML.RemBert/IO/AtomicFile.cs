namespace Microsoft.ML.RemBert.IO;

/// <summary>
/// Every save of the library and the <c>rembert</c> CLI goes through here, so that an output path is never left
/// half-written and never destroyed. What a path gets depends on what is there (see <see cref="OutputTarget"/>):
/// <list type="bullet">
/// <item>A regular file or a new path: the content goes to <c>NAME.rembert-partial-PID-XXXXXXXX</c> beside it, which is
/// flushed to disk and renamed over NAME only when complete. Readers see the old file or the whole new one; a failure or
/// cancellation deletes the partial file and leaves NAME as it was.</item>
/// <item>A symbolic link: followed to its final target, which is written by these same rules; the link stays a link.</item>
/// <item>A character device or FIFO (<c>/dev/null</c>, <c>/dev/stdout</c>, a pipe): written straight to, since renaming
/// over it would replace the node with a file. Such a write cannot be undone when it fails half-way.</item>
/// <item>A directory, block device, socket or anything else: refused with <see cref="FileRefusedException"/> naming the
/// path and its kind, before anything is written.</item>
/// </list>
/// Before writing into a directory, partial files there left by processes that no longer run (killed with SIGKILL, or
/// a power loss) are deleted.
/// </summary>
internal static class AtomicFile
{
    private const int WriteBufferBytes = 1 << 20;

    /// <summary>
    /// Throws now what <see cref="Write(string, Action{Stream, CancellationToken}, CancellationToken)"/> would refuse
    /// later (a directory, block device or socket; a missing directory), so a command fails before its long work.
    /// </summary>
    /// <exception cref="FileRefusedException">The path cannot be written.</exception>
    /// <exception cref="DirectoryNotFoundException">The directory that would hold the file does not exist.</exception>
    public static void EnsureWritable(string path) => OutputTarget.Resolve(path);

    /// <summary>Writes <paramref name="path"/> through <paramref name="write"/>, atomically where the path allows it.</summary>
    /// <exception cref="FileRefusedException">The path is a directory, block device, socket or other node that cannot be written.</exception>
    /// <exception cref="OperationCanceledException">Cancelled: the partial file is deleted and the path is unchanged.</exception>
    public static void Write(string path, Action<Stream, CancellationToken> write, CancellationToken cancellationToken) =>
        WriteAll(new[] { (path, write) }, cancellationToken);

    /// <summary>Writes <paramref name="path"/> through <paramref name="write"/>, atomically where the path allows it, with no cancellation.</summary>
    public static void Write(string path, Action<Stream> write) =>
        Write(path, (stream, _) => write(stream), CancellationToken.None);

    /// <summary>
    /// Writes several files as one save (e.g. weights and the config that describes them): all are replaced or none is.
    /// Every file is first written to its partial name; only when all are complete is each existing target kept as a
    /// backup (<c>NAME.rembert-backup-PID-XXXXXXXX</c>, a hard link, or a copy where the file system has none) and the
    /// partial files renamed over the targets. If anything fails — writing, cancellation, or a rename half-way — every
    /// target already replaced is restored from its backup (or deleted, if it did not exist before), so the directory is
    /// as it was; on success the backups are deleted.
    /// </summary>
    /// <remarks>
    /// The one gap is the process dying (SIGKILL, power loss) between the first and the last rename: then some targets
    /// are new, some old, and every target that existed before still has its <c>NAME.rembert-backup-PID-XXXXXXXX</c> beside
    /// it. Recover the previous save by renaming each backup back to NAME (or simply save again). Backups are never
    /// deleted automatically; partial files of dead processes are. Targets that are devices or FIFOs are written straight
    /// (in order, while the others are written to their partial files) and are not part of the all-or-nothing promise.
    /// </remarks>
    public static void WriteAll(IReadOnlyList<(string Path, Action<Stream, CancellationToken> Write)> files, CancellationToken cancellationToken) =>
        WriteAll(files, cancellationToken, beforeRename: null);

    /// <summary>
    /// <see cref="WriteAll(IReadOnlyList{ValueTuple{string, Action{Stream, CancellationToken}}}, CancellationToken)"/> with a
    /// fault-injection point: <paramref name="beforeRename"/> runs with each rename's index just before it (tests throw
    /// from it to prove the rollback).
    /// </summary>
    internal static void WriteAll(IReadOnlyList<(string Path, Action<Stream, CancellationToken> Write)> files, CancellationToken cancellationToken,
        Action<int>? beforeRename)
    {
        // Every path is checked before anything is written, so a refused one changes nothing.
        var targets = files.Select(f => OutputTarget.Resolve(f.Path)).ToList();
        foreach (var directory in targets.Where(t => t.ReplaceAtomically).Select(t => Path.GetDirectoryName(t.FinalPath)!).Distinct())
            TemporaryFiles.RemoveStalePartials(directory);

        var pending = new List<(string Partial, string Target)>();
        try
        {
            for (int i = 0; i < files.Count; i++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (!targets[i].ReplaceAtomically)
                {
                    using var direct = targets[i].OpenInPlace(WriteBufferBytes);
                    files[i].Write(direct, cancellationToken);
                    cancellationToken.ThrowIfCancellationRequested();
                    continue;
                }
                string partial = TemporaryFiles.PartialFor(targets[i].FinalPath);
                pending.Add((partial, targets[i].FinalPath));
                using var stream = new FileStream(partial, FileMode.CreateNew, FileAccess.Write, FileShare.None, WriteBufferBytes);
                files[i].Write(stream, cancellationToken);
                cancellationToken.ThrowIfCancellationRequested();
                stream.Flush(flushToDisk: true);
            }
            cancellationToken.ThrowIfCancellationRequested();
            if (pending.Count == 1)
            {
                beforeRename?.Invoke(0);
                File.Move(pending[0].Partial, pending[0].Target, overwrite: true); // one rename is atomic by itself
            }
            else if (pending.Count > 1)
            {
                MultiFileCommit.Run(pending, beforeRename);
            }
        }
        finally
        {
            foreach (var (partial, _) in pending) TryDelete(partial); // no-op for those already renamed
        }
    }

    internal static void TryDelete(string path)
    {
        try { File.Delete(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
    }
}
