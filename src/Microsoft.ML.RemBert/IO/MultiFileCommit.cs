namespace Microsoft.ML.RemBert.IO;

/// <summary>
/// Renames several complete partial files over their targets as one step that a failure undoes (see
/// <see cref="AtomicFile.WriteAll(IReadOnlyList{ValueTuple{string, Action{Stream, CancellationToken}}}, CancellationToken)"/>
/// for what is and is not guaranteed).
/// </summary>
internal static class MultiFileCommit
{
    public static void Run(IReadOnlyList<(string Partial, string Target)> files, Action<int>? beforeRename)
    {
        var backups = new string?[files.Count];
        int renamed = 0;
        try
        {
            for (int i = 0; i < files.Count; i++)
                if (File.Exists(files[i].Target)) backups[i] = Backup(files[i].Target);
            for (; renamed < files.Count; renamed++)
            {
                beforeRename?.Invoke(renamed);
                File.Move(files[renamed].Partial, files[renamed].Target, overwrite: true);
            }
        }
        catch
        {
            for (int i = renamed - 1; i >= 0; i--)
            {
                if (backups[i] is { } backup) File.Move(backup, files[i].Target, overwrite: true);
                else AtomicFile.TryDelete(files[i].Target);
            }
            throw;
        }
        finally
        {
            foreach (var backup in backups) if (backup is not null) AtomicFile.TryDelete(backup); // restored ones are gone already
        }
    }

    /// <summary>A second name for the current target: a hard link costs nothing and keeps the target in place throughout.</summary>
    private static string Backup(string target)
    {
        string backup = TemporaryFiles.BackupFor(target);
        if (!FileNodes.TryCreateHardLink(target, backup)) File.Copy(target, backup);
        return backup;
    }
}
