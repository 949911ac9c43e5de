using System.Text;
using Xunit;

namespace Microsoft.ML.RemBert.Tests.Hostile;

/// <summary>
/// Runs a reader on a fixed number of seeded mutations of valid files (the same ones on every machine) and asserts the fuzzing contract: every outcome
/// is success or the reader's own exception type with a non-empty message, nothing else escapes, and no mutation makes
/// the reader allocate more than a stated bound. A failure prints the seed and the mutation, so it is reproducible
/// (set REMBERT_FUZZ_SEED to rerun another base seed).
/// </summary>
internal static class FuzzRun
{
    /// <summary>Mutations per run unless the caller gives another count.</summary>
    public const int Iterations = 3000;

    /// <summary>Managed bytes one mutation of a small file may make the reader allocate.</summary>
    public const long AllocationBoundPerMutation = 64L << 20;

    /// <summary>Growth of the managed heap a whole run may leave behind (leaks, caches that grow per input).</summary>
    public const long RetainedHeapBound = 64L << 20;

    private const int DefaultSeed = 7;
    private const int ReportedFailures = 5;

    /// <summary>Fuzzes <paramref name="read"/> with <paramref name="iterations"/> mutations of <paramref name="valids"/>, accepting only <typeparamref name="TOurs"/>.</summary>
    public static int Run<TOurs>(string reader, IReadOnlyList<byte[]> valids, Func<byte[], Random, (byte[] Bytes, string Description)> mutate, Action<byte[]> read,
        int iterations = Iterations)
        where TOurs : Exception
    {
        int baseSeed = int.TryParse(Environment.GetEnvironmentVariable("REMBERT_FUZZ_SEED"), out var seed) ? seed : DefaultSeed;
        foreach (var valid in valids) read(valid); // the unmutated files must read: otherwise every "failure" below is meaningless

        GC.Collect();
        GC.WaitForPendingFinalizers();
        long heapBefore = GC.GetTotalMemory(forceFullCollection: true);
        var failures = new List<string>();
        int iteration = 0, refused = 0;
        for (; iteration < iterations; iteration++)
        {
            var random = new Random(baseSeed + iteration);
            int source = random.Next(valids.Count);
            var (bytes, description) = mutate(valids[source], random);
            string where = $"{reader}: seed {baseSeed + iteration} (REMBERT_FUZZ_SEED={baseSeed}, iteration {iteration}), file {source}, mutation: {description}";
            long allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
            try
            {
                read(bytes);
            }
            catch (TOurs e) when (!string.IsNullOrWhiteSpace(e.Message))
            {
                refused++;
            }
            catch (Exception e)
            {
                failures.Add($"{where}\n  -> {e.GetType().FullName}: {e.Message}\n{e.StackTrace}");
            }
            long allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
            if (allocated > AllocationBoundPerMutation)
                failures.Add($"{where}\n  -> allocated {allocated} bytes (bound {AllocationBoundPerMutation}) for a {bytes.Length}-byte input");
            if (failures.Count >= ReportedFailures) break;
        }
        GC.Collect();
        GC.WaitForPendingFinalizers();
        long retained = GC.GetTotalMemory(forceFullCollection: true) - heapBefore;

        var report = new StringBuilder().AppendLine($"{failures.Count} failure(s) in {iteration} mutations:");
        foreach (var failure in failures) report.AppendLine(failure);
        Assert.True(failures.Count == 0, report.ToString());
        Assert.True(retained < RetainedHeapBound, $"{reader}: the managed heap grew by {retained} bytes over {iteration} mutations (bound {RetainedHeapBound}).");
        Assert.True(refused > 0, $"{reader}: none of {iteration} mutations was refused, so the mutations do not reach the reader.");
        return iteration;
    }
}
