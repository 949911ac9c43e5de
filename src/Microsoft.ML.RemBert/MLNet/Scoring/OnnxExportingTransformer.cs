using Microsoft.ML.Data;
using Microsoft.ML.RemBert.Onnx;
using Microsoft.ML.RemBert.Trainers;

namespace Microsoft.ML.RemBert.MLNet.Scoring;

/// <summary>
/// What <see cref="RemBertScoringTransformer.ForOnnxExport"/> returns: the same transformer, whose transformed views
/// carry ONNX export options to <c>ConvertToOnnx</c> (which takes none of its own). Saving writes the inner
/// transformer; it does not own the model.
/// </summary>
internal sealed class OnnxExportingTransformer(RemBertScoringTransformer inner, RemBertOnnxExportOptions options) : ITransformer
{
    /// <inheritdoc/>
    public bool IsRowToRowMapper => inner.IsRowToRowMapper;

    /// <inheritdoc/>
    public DataViewSchema GetOutputSchema(DataViewSchema inputSchema) => inner.GetOutputSchema(inputSchema);

    /// <inheritdoc/>
    public IRowToRowMapper GetRowToRowMapper(DataViewSchema inputSchema) => inner.GetRowToRowMapper(inputSchema);

    /// <inheritdoc/>
    public IDataView Transform(IDataView input) => inner.TransformForOnnxExport(input, options);

    /// <inheritdoc/>
    void ICanSaveModel.Save(ModelSaveContext ctx) => ((ICanSaveModel)inner).Save(ctx);
}
