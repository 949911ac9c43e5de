using System.Diagnostics;

namespace TokenizerThroughput;

/// <summary>
/// One timed run: tokens produced, wall-clock and CPU seconds of the encode loop, and the ids of one pass for
/// comparison. CPU time is the fairer figure on a shared machine (other processes steal wall-clock time).
/// </summary>
internal sealed record Measurement(string Name, long Tokens, double WallSeconds, double CpuSeconds, int[][]? Ids, string? Error = null)
{
    /// <summary>Untimed passes before timing, so the JIT has reached its optimized tier.</summary>
    public const int WarmupPasses = 3;
    /// <summary>Timed rounds; the fastest is reported (other processes and background JIT only ever slow a round down).</summary>
    public const int Rounds = 5;

    public static Measurement Failed(string name, string error) => new(name, 0, 0, 0, null, error);

    /// <summary>
    /// Runs <paramref name="encodeAll"/> (one pass over the corpus, returning its token count) for warm-up, then
    /// <see cref="Rounds"/> rounds of <paramref name="repeat"/> timed passes; returns the fastest round.
    /// </summary>
    public static Measurement Time(string name, int repeat, Func<long> encodeAll, int[][] ids)
    {
        for (var i = 0; i < WarmupPasses; i++) encodeAll();
        Measurement? best = null;
        for (var round = 0; round < Rounds; round++)
        {
            var cpuStart = ProcessCpuSeconds();
            var watch = Stopwatch.StartNew();
            long tokens = 0;
            for (var r = 0; r < repeat; r++) tokens += encodeAll();
            var m = new Measurement(name, tokens, watch.Elapsed.TotalSeconds, ProcessCpuSeconds() - cpuStart, ids);
            if (best is null || m.CpuSeconds < best.CpuSeconds) best = m;
        }
        return best!;
    }

    private static double ProcessCpuSeconds() => Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds;
}
