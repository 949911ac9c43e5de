using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace Microsoft.ML.RemBert.IO;

/// <summary>
/// Names of the files <see cref="AtomicFile"/> keeps beside a target while it writes: <c>NAME.rembert-partial-PID-XXXXXXXX</c>
/// (the new content, renamed over NAME when complete) and <c>NAME.rembert-backup-PID-XXXXXXXX</c> (the previous NAME during
/// a multi-file commit). PID is the writing process, so leftovers of a killed process can be recognised and removed.
/// </summary>
internal static partial class TemporaryFiles
{
    private const string PartialMarker = ".rembert-partial-";
    private const string BackupMarker = ".rembert-backup-";

    /// <summary>A fresh temporary path beside <paramref name="target"/> for its new content.</summary>
    public static string PartialFor(string target) => Beside(target, PartialMarker);

    /// <summary>A fresh path beside <paramref name="target"/> for a backup of its current content.</summary>
    public static string BackupFor(string target) => Beside(target, BackupMarker);

    private static string Beside(string target, string marker) =>
        $"{target}{marker}{Environment.ProcessId.ToString(CultureInfo.InvariantCulture)}-{Guid.NewGuid().ToString("N")[..8]}";

    /// <summary>
    /// Deletes partial files (and partial directories of <see cref="AtomicDirectory"/>) in <paramref name="directory"/> whose writer is gone: no process has their PID any more, or
    /// the process that has it started after the file was last written (the PID was reused). Backups are never deleted
    /// here: after a kill in the middle of a multi-file commit they are the previous save (see <see cref="AtomicFile.WriteAll(IReadOnlyList{ValueTuple{string, Action{Stream, CancellationToken}}}, CancellationToken)"/>).
    /// Best effort: a file that cannot be inspected or deleted is left alone.
    /// </summary>
    public static void RemoveStalePartials(string directory)
    {
        IEnumerable<string> candidates;
        try { candidates = Directory.EnumerateFileSystemEntries(directory, "*" + PartialMarker + "*").ToList(); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return; }
        foreach (var path in candidates)
        {
            var match = PartialName().Match(Path.GetFileName(path));
            if (!match.Success || !int.TryParse(match.Groups["pid"].Value, NumberStyles.None, CultureInfo.InvariantCulture, out int pid)) continue;
            try
            {
                // A partial directory (AtomicDirectory) is judged by its newest entry: its own time changes only when one is added.
                bool isDirectory = Directory.Exists(path);
                var lastWrite = isDirectory
                    ? Directory.EnumerateFiles(path).Select(File.GetLastWriteTimeUtc).Append(Directory.GetLastWriteTimeUtc(path)).Max()
                    : File.GetLastWriteTimeUtc(path);
                if (WriterIsAlive(pid, lastWrite)) continue;
                if (isDirectory) Directory.Delete(path, recursive: true);
                else File.Delete(path);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        }
    }

    /// <summary>Linux derives a start time from whole-second boot time: allow for that before calling a PID reused.</summary>
    private static readonly TimeSpan StartTimeSlack = TimeSpan.FromSeconds(2);

    private static bool WriterIsAlive(int pid, DateTime lastWriteUtc)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited && process.StartTime.ToUniversalTime() <= lastWriteUtc + StartTimeSlack;
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            return false; // no such process, or it exited while we looked
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or NotSupportedException)
        {
            return true; // cannot inspect it (another user's process): leave its file alone
        }
    }

    [GeneratedRegex(@"\.rembert-partial-(?<pid>[0-9]{1,10})-[0-9a-f]{8}$", RegexOptions.CultureInvariant)]
    private static partial Regex PartialName();
}
