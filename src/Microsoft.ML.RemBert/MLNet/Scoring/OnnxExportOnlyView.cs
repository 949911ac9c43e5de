using Microsoft.ML.Data;
using Microsoft.ML.Model.OnnxConverter;

namespace Microsoft.ML.RemBert.MLNet.Scoring;

/// <summary>
/// The view an <see cref="OnnxExportOnlyTransformer"/> returns: the input's columns plus the columns its graph writes,
/// and the <see cref="ITransformCanSaveOnnx"/> step <c>ConvertToOnnx</c> finds on its walk back from it. It has no rows
/// to read: its graph's rows are not the data's rows (e.g. one per context window), so its cursors throw saying so.
/// </summary>
internal sealed class OnnxExportOnlyView(IDataView input, DataViewSchema schema, Action<OnnxContext> saveAsOnnx, string why) : ITransformCanSaveOnnx
{
    /// <summary>The data the graph's inputs come from: where ConvertToOnnx continues its walk back.</summary>
    public IDataView Source => input;

    /// <inheritdoc/>
    public DataViewSchema Schema => schema;

    /// <inheritdoc/>
    public bool CanShuffle => false;

    /// <summary>Always true: the graph writer throws its own reason when the model cannot be exported.</summary>
    public bool CanSaveOnnx(OnnxContext ctx) => true;

    /// <summary>Writes the graph.</summary>
    public void SaveAsOnnx(OnnxContext ctx) => saveAsOnnx(ctx);

    /// <inheritdoc/>
    public long? GetRowCount() => input.GetRowCount();

    /// <summary>Throws: this view exists for <c>ConvertToOnnx</c> only.</summary>
    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null) => throw new NotSupportedException(why);

    /// <summary>Throws: this view exists for <c>ConvertToOnnx</c> only.</summary>
    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null) => throw new NotSupportedException(why);

    /// <summary>Not a saved data transform.</summary>
    void ICanSaveModel.Save(ModelSaveContext ctx) => throw new NotSupportedException(why);
}
