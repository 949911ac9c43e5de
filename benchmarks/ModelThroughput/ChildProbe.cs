using System.Diagnostics;

namespace ModelThroughput;

/// <summary>
/// Runs this benchmark's own executable again with <c>args</c> (a probe mode) and reads the <c>key=value</c> lines it
/// prints: a fresh process, so peak RSS covers only what the probe does.
/// </summary>
internal static class ChildProbe
{
    /// <summary>The probe's key=value lines, or null (with a message on stderr) when it failed.</summary>
    public static Dictionary<string, string>? Run(string label, params string[] args)
    {
        string host = Environment.ProcessPath!;
        var start = new ProcessStartInfo(host) { RedirectStandardOutput = true };
        // Under `dotnet X.dll` the host is dotnet itself and needs the assembly path first.
        if (Path.GetFileNameWithoutExtension(host) == "dotnet") start.ArgumentList.Add(System.Reflection.Assembly.GetEntryAssembly()!.Location);
        foreach (var arg in args) start.ArgumentList.Add(arg);
        using var child = Process.Start(start)!;
        var values = new Dictionary<string, string>();
        for (string? line; (line = child.StandardOutput.ReadLine()) != null;)
            if (line.Split('=', 2) is [var key, var value]) values[key] = value;
        child.WaitForExit();
        if (child.ExitCode == 0)
            return values;
        Console.Error.WriteLine($"probe ({label}) failed with exit code {child.ExitCode}");
        return null;
    }
}
