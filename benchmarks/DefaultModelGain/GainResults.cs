using System.Text.Json;

namespace DefaultModelGain;

/// <summary>
/// The <c>--results</c> file: one JSON line per finished run, appended as soon as it ends. A run already in the file
/// (same start, epochs, task, seed and side) is not run again: a benchmark cut short resumes where it stopped, and
/// several processes (e.g. one per seed) may append to one file and a last one print the tables over all of them.
/// </summary>
internal static class GainResults
{
    /// <summary>The runs in <paramref name="path"/> (none when it does not exist); a malformed line is an error naming the file and line.</summary>
    public static IReadOnlyList<RunResult> Read(string path)
    {
        if (!File.Exists(path))
            return [];
        string text = File.ReadAllText(path);
        var lines = text.Split('\n');
        var runs = new List<RunResult>();
        // The last piece has no newline after it: empty, or an append cut short (its run is simply run again).
        for (int i = 0; i < lines.Length - 1; i++)
        {
            if (lines[i].Length == 0) continue;
            try
            {
                runs.Add(JsonSerializer.Deserialize<RunResult>(lines[i]) ?? throw new JsonException("null"));
            }
            catch (JsonException ex)
            {
                throw new InvalidDataException($"{path}:{i + 1}: not a run of this benchmark ({ex.Message}); delete the line or pass another --results.", ex);
            }
        }
        return runs;
    }

    /// <summary>Appends <paramref name="run"/> as one line, in one write (concurrent appenders' lines do not interleave).</summary>
    public static void Append(string path, RunResult run) => File.AppendAllText(path, JsonSerializer.Serialize(run) + "\n");

    /// <summary>The run of <paramref name="runs"/> with the given start, epochs, task, seed and side, if any.</summary>
    public static RunResult? Find(IEnumerable<RunResult> runs, string start, int? epochs, string key, int seed, string side) =>
        runs.LastOrDefault(run => run.Start == start && run.Epochs == epochs && run.Key == key && run.Seed == seed && run.Side == side);
}
