namespace GcStress;

/// <summary>What one workload did: operations, failures (the first kept whole) and outputs that differed. Thread-safe.</summary>
internal sealed class StressTally(string name)
{
    private readonly object _gate = new();
    private long _operations, _failures, _differed;
    private Exception? _first;

    public void Done(bool same = true)
    {
        Interlocked.Increment(ref _operations);
        if (!same) Interlocked.Increment(ref _differed);
    }

    public void Failed(Exception ex)
    {
        Interlocked.Increment(ref _operations);
        Interlocked.Increment(ref _failures);
        lock (_gate) _first ??= ex;
    }

    public bool Clean => Interlocked.Read(ref _failures) == 0 && Interlocked.Read(ref _differed) == 0;

    public void Print(TimeSpan elapsed, int collections)
    {
        Console.WriteLine($"{name}: {_operations:N0} in {elapsed.TotalSeconds:F0} s ({_operations / elapsed.TotalSeconds:F1}/s), " +
            $"failed {_failures:N0}, differed {_differed:N0}, forced collections {collections:N0}");
        if (_first is not null) Console.WriteLine($"  first failure: {_first}");
    }
}
