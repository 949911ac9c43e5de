using Microsoft.ML.Data;
using Microsoft.ML.Model.OnnxConverter;
using Microsoft.ML.RemBert.Trainers;

namespace Microsoft.ML.RemBert.MLNet.Scoring;

/// <summary>
/// A transformer that exists to be given to <c>mlContext.Model.ConvertToOnnx</c> when a task's graph writes columns
/// other than the zip's (e.g. question answering's span logits, whose answers need post-processing outside the
/// graph): its output schema is the input plus <paramref name="columns"/>, and its views
/// (<see cref="OnnxExportOnlyView"/>) cannot be read. Saving writes the inner transformer; it does not own the model.
/// </summary>
internal sealed class OnnxExportOnlyTransformer(RemBertScoringTransformer inner, IReadOnlyList<(string Name, DataViewType Type)> columns,
    Action<OnnxContext> saveAsOnnx, string why) : ITransformer
{
    /// <summary>False: the graph's rows are not the data's rows.</summary>
    public bool IsRowToRowMapper => false;

    /// <summary>The input columns (checked as the inner transformer checks them), then the columns the graph writes.</summary>
    public DataViewSchema GetOutputSchema(DataViewSchema inputSchema)
    {
        inner.GetOutputSchema(inputSchema);
        var builder = new DataViewSchema.Builder();
        builder.AddColumns(inputSchema);
        foreach (var (name, type) in columns)
            builder.AddColumn(name, type);
        return builder.ToSchema();
    }

    /// <summary>Throws: there is no row-to-row mapping.</summary>
    public IRowToRowMapper GetRowToRowMapper(DataViewSchema inputSchema) => throw new NotSupportedException(why);

    /// <summary>The export view of <paramref name="input"/>.</summary>
    public IDataView Transform(IDataView input) => new OnnxExportOnlyView(input, GetOutputSchema(input.Schema), saveAsOnnx, why);

    /// <inheritdoc/>
    void ICanSaveModel.Save(ModelSaveContext ctx) => ((ICanSaveModel)inner).Save(ctx);
}
