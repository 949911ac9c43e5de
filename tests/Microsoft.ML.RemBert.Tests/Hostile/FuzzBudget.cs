using System.Diagnostics;
using Microsoft.ML.RemBert.Tests.Infrastructure;
using Xunit;

namespace Microsoft.ML.RemBert.Tests.Hostile;

/// <summary>The limits every fuzz test runs under: a case count, a wall-clock budget and a managed-memory bound.</summary>
internal static class FuzzBudget
{
    public const int MaxCases = 4000;
    public const int MinCases = 300;
    public static readonly TimeSpan Time = TimeSpan.FromSeconds(5);
    public const long MaxManagedBytes = 1L << 30;

    /// <summary>Runs <paramref name="fuzzCase"/> for seeds 0, 1, … until <see cref="MaxCases"/> or <see cref="Time"/>; returns the count.</summary>
    public static int Run(Action<int> fuzzCase)
    {
        var clock = Stopwatch.StartNew();
        int seed = 0;
        for (; seed < MaxCases && (seed < MinCases || clock.Elapsed < Time); seed++)
        {
            fuzzCase(seed);
            long managed = GC.GetTotalMemory(forceFullCollection: false);
            Assert.True(managed < MaxManagedBytes, $"seed {seed}: managed memory reached {managed:N0} bytes");
        }
        return seed;
    }
}
