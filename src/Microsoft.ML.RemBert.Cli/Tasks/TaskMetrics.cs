namespace Microsoft.ML.RemBert.Cli.Tasks;

/// <summary>A confusion matrix: <see cref="Counts"/>[actual][predicted], rows and columns in <see cref="Classes"/> order.</summary>
internal sealed record ConfusionTable(IReadOnlyList<string> Classes, IReadOnlyList<IReadOnlyList<double>> Counts);

/// <summary>Per-type metrics (e.g. entity precision/recall/F1 per entity type): one row per type, values in <see cref="Columns"/> order.</summary>
internal sealed record BreakdownTable(string RowName, IReadOnlyList<string> Columns, IReadOnlyList<(string Row, IReadOnlyList<double> Values)> Rows);

/// <summary>What <c>rembert evaluate</c> prints for one task: named scalar metrics, and a table where the task has one.</summary>
internal sealed record TaskMetrics(string Task, IReadOnlyList<(string Name, double Value)> Values)
{
    public ConfusionTable? Confusion { get; init; }
    public BreakdownTable? Breakdown { get; init; }

    /// <summary>The metric a report plots first and <c>train</c> prints as its headline.</summary>
    public (string Name, double Value) Headline => Values[0];
}
