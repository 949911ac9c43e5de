namespace ModelThroughput;

/// <summary>Reads this process's resident-set figures from /proc/self/status (Linux).</summary>
internal static class ProcessMemory
{
    private const string StatusFile = "/proc/self/status";
    private const long BytesPerKiB = 1024;

    /// <summary>VmHWM: the peak resident set size since the process started, in bytes.</summary>
    public static long PeakResidentBytes() => ReadKiB("VmHWM:") * BytesPerKiB;

    /// <summary>VmRSS: the current resident set size, in bytes.</summary>
    public static long ResidentBytes() => ReadKiB("VmRSS:") * BytesPerKiB;

    /// <summary>The machine's 1/5/15-minute load averages, to show whether other processes competed for the cores.</summary>
    public static string LoadAverage() => string.Join(" ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3));

    private static long ReadKiB(string field)
    {
        var line = File.ReadLines(StatusFile).FirstOrDefault(l => l.StartsWith(field, StringComparison.Ordinal))
            ?? throw new InvalidOperationException($"{StatusFile} has no {field} line (not Linux?).");
        // e.g. "VmHWM:	  123456 kB"
        return long.Parse(line[field.Length..].Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries)[0]);
    }
}
