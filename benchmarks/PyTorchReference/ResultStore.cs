using System.Text.Json;

namespace PyTorchReference;

/// <summary>
/// The measured metrics by task, side ("ours" / "reference") and seed, kept in a JSON file so a run split over several
/// invocations (one task or side at a time, on a busy machine) still prints one table.
/// </summary>
internal sealed class ResultStore
{
    private readonly string _path;
    private readonly SortedDictionary<string, SortedDictionary<string, SortedDictionary<int, double>>> _results;

    private ResultStore(string path, SortedDictionary<string, SortedDictionary<string, SortedDictionary<int, double>>> results)
    {
        _path = path;
        _results = results;
    }

    /// <summary>The store at <paramref name="path"/>, empty when the file does not exist.</summary>
    public static ResultStore Open(string path)
    {
        if (!File.Exists(path))
            return new ResultStore(path, []);
        try
        {
            return new ResultStore(path, JsonSerializer.Deserialize<SortedDictionary<string, SortedDictionary<string, SortedDictionary<int, double>>>>(File.ReadAllText(path)) ?? []);
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"{path}: not a results file of this benchmark ({ex.Message}); delete it or pass another --results.", ex);
        }
    }

    /// <summary>Records one measurement and saves the file (atomically: written beside, then moved).</summary>
    public void Set(string task, string side, int seed, double metric)
    {
        if (!_results.TryGetValue(task, out var sides))
            _results[task] = sides = [];
        if (!sides.TryGetValue(side, out var seeds))
            sides[side] = seeds = [];
        seeds[seed] = metric;
        string temporary = _path + ".tmp";
        File.WriteAllText(temporary, JsonSerializer.Serialize(_results, new JsonSerializerOptions { WriteIndented = true }));
        File.Move(temporary, _path, overwrite: true);
    }

    /// <summary>The metrics of <paramref name="side"/> on <paramref name="task"/> by seed (empty when none).</summary>
    public IReadOnlyDictionary<int, double> Get(string task, string side)
        => _results.TryGetValue(task, out var sides) && sides.TryGetValue(side, out var seeds) ? seeds : new SortedDictionary<int, double>();
}
