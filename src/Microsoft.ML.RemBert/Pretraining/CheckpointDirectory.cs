using Microsoft.ML.RemBert.IO;

namespace Microsoft.ML.RemBert.Pretraining;

/// <summary>
/// Writes a whole checkpoint directory at once: its files go to a staging directory beside the target
/// (<c>DIR.rembert-partial-PID-XXXXXXXX</c>), which is renamed to the target only when complete. A target that exists is
/// first renamed aside (<c>DIR.rembert-backup-PID-XXXXXXXX</c>) and deleted after the swap, or renamed back if the swap
/// fails. A failure or cancellation deletes the staging directory and leaves the target as it was.
/// </summary>
internal static class CheckpointDirectory
{
    /// <summary>Fills a fresh staging directory through <paramref name="write"/>, then puts it in <paramref name="directory"/>'s place.</summary>
    /// <exception cref="FileRefusedException">The target exists and is not a directory.</exception>
    public static void Replace(string directory, Action<string> write, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        string target = Path.GetFullPath(directory).TrimEnd(Path.DirectorySeparatorChar);
        if (File.Exists(target))
            throw new FileRefusedException(target, $"{target} is a file; the output of pretraining is a checkpoint directory.");
        string parent = Path.GetDirectoryName(target)!;
        if (!Directory.Exists(parent))
            throw new DirectoryNotFoundException($"Cannot write the checkpoint {target}: directory {parent} does not exist.");

        string staging = TemporaryFiles.PartialFor(target);
        Directory.CreateDirectory(staging);
        try
        {
            write(staging);
            cancellationToken.ThrowIfCancellationRequested();
            if (!Directory.Exists(target))
            {
                Directory.Move(staging, target);
                return;
            }
            string backup = TemporaryFiles.BackupFor(target);
            Directory.Move(target, backup);
            try
            {
                Directory.Move(staging, target);
            }
            catch
            {
                Directory.Move(backup, target);
                throw;
            }
            Directory.Delete(backup, recursive: true);
        }
        finally
        {
            if (Directory.Exists(staging))
                Directory.Delete(staging, recursive: true);
        }
    }
}
