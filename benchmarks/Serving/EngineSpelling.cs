using System.Text.RegularExpressions;

namespace Serving;

/// <summary>
/// An engine of the benchmark, <c>KIND[@THREADS][xLOOPS]</c>: <c>pool</c>, <c>pool@1</c>, <c>batching</c>,
/// <c>batchingx1</c> (one batching loop on every core's thread), <c>batching@1x2</c> (two loops, one thread each).
/// </summary>
internal static partial class EngineSpelling
{
    /// <returns>The Web API's --engine, libtorch's threads for the server (null: its default), --concurrent-batches (null: the default).</returns>
    public static (string Kind, string? Threads, string? Loops) Parse(string engine)
    {
        var match = Spelling().Match(engine);
        if (!match.Success)
            throw new ArgumentException($"--engines: '{engine}' is not KIND[@THREADS][xLOOPS] with KIND pool or batching (e.g. pool@1, batching@1x2).");
        string kind = match.Groups["kind"].Value;
        string? loops = match.Groups["loops"].Success ? match.Groups["loops"].Value : null;
        if (loops is not null && kind != "batching")
            throw new ArgumentException($"--engines: '{engine}': xLOOPS is the batching engine's ConcurrentBatches; a pool has none.");
        return (kind, match.Groups["threads"].Success ? match.Groups["threads"].Value : null, loops);
    }

    [GeneratedRegex(@"^(?<kind>pool|batching)(@(?<threads>[1-9][0-9]*))?(x(?<loops>[1-9][0-9]*))?$")]
    private static partial Regex Spelling();
}
