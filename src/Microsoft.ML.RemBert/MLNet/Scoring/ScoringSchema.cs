using Microsoft.ML.Data;

namespace Microsoft.ML.RemBert.MLNet.Scoring;

/// <summary>
/// Output schemas of a scoring transformer: every input column, in order and at its own index (so a row can pass
/// input columns through by index), then the task's output columns, which hide input columns of the same name.
/// </summary>
internal static class ScoringSchema
{
    /// <summary>The transformer's output schema for <paramref name="input"/>.</summary>
    public static DataViewSchema Build(DataViewSchema input, RemBertScoringTask task)
    {
        var builder = new DataViewSchema.Builder();
        builder.AddColumns(input);
        foreach (var (name, type, annotations) in task.OutputColumnInfos)
            builder.AddColumn(name, type, annotations);
        return builder.ToSchema();
    }

    /// <summary>
    /// The estimator-time shape: <paramref name="input"/> plus <paramref name="outputs"/> (replacing same-named
    /// columns). For estimators whose task exists only after Fit (trainers) as well as for ready transformers.
    /// </summary>
    public static SchemaShape Append(SchemaShape input, IEnumerable<SchemaShape.Column> outputs)
    {
        var columns = input.ToDictionary(column => column.Name);
        foreach (var column in outputs)
            columns[column.Name] = column;
        return new SchemaShape(columns.Values);
    }

    /// <summary>The shapes of a task's output columns, annotations included.</summary>
    public static IEnumerable<SchemaShape.Column> OutputShapes(RemBertScoringTask task) => OutputShapes(task.OutputColumnInfos);

    /// <summary>The shapes of output columns, annotations included (e.g. of a trainer's columns before its task exists).</summary>
    public static IEnumerable<SchemaShape.Column> OutputShapes<TResult>(IEnumerable<ScoringOutputColumn<TResult>> columns)
        => OutputShapes(columns.Select(column => (column.Name, column.Type, column.Annotations)));

    private static IEnumerable<SchemaShape.Column> OutputShapes(IEnumerable<(string Name, DataViewType Type, DataViewSchema.Annotations? Annotations)> columns)
    {
        var builder = new DataViewSchema.Builder();
        foreach (var (name, type, annotations) in columns)
            builder.AddColumn(name, type, annotations);
        return SchemaShape.Create(builder.ToSchema());
    }
}
