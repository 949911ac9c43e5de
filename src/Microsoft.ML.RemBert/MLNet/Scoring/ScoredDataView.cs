using Microsoft.ML.Data;
using Microsoft.ML.Model.OnnxConverter;
using Microsoft.ML.RemBert.Onnx;
using Microsoft.ML.RemBert.Serving;
using Microsoft.ML.RemBert.Trainers;
using Microsoft.ML.Runtime;

namespace Microsoft.ML.RemBert.MLNet.Scoring;

/// <summary>
/// What <see cref="RemBertScoringTransformer.Transform"/> returns: the input's rows with the task's output columns
/// added, scored in batches by each cursor (see <see cref="BatchedResults{TRow, TResult}"/>). Lazy, like every ML.NET
/// view: nothing is scored until a cursor reads an output column.
/// </summary>
/// <remarks>
/// It is also the pipeline step <c>mlContext.Model.ConvertToOnnx</c> finds when it walks back from the transformed
/// data (ML.NET's converter looks for <see cref="ITransformCanSaveOnnx"/> views): it hands the export to the task.
/// </remarks>
internal sealed class ScoredDataView : ITransformCanSaveOnnx
{
    private readonly RemBertScoringTransformer _transformer;
    private readonly IDataView _input;
    private readonly RemBertOnnxExportOptions _onnxOptions;

    public ScoredDataView(RemBertScoringTransformer transformer, IDataView input, DataViewSchema schema, RemBertOnnxExportOptions? onnxOptions = null)
    {
        _transformer = transformer;
        _input = input;
        _onnxOptions = onnxOptions ?? new RemBertOnnxExportOptions();
        Schema = schema;
    }

    /// <summary>The scored data: what ConvertToOnnx continues its walk back from.</summary>
    public IDataView Source => _input;

    /// <summary>
    /// Always true, even for a task without an export: returning false would make ML.NET drop this step with a
    /// warning and fail later without saying why; <see cref="SaveAsOnnx"/> throws the reason instead.
    /// </summary>
    public bool CanSaveOnnx(OnnxContext ctx) => true;

    /// <summary>Writes the task's graph (see <see cref="RemBertScoringTask.SaveAsOnnx"/>).</summary>
    public void SaveAsOnnx(OnnxContext ctx)
    {
        _transformer.Lifetime.ThrowIfDisposedDirectly();
        using var lease = _transformer.Lifetime.Acquire();
        OnnxExternalData.Save(_onnxOptions with { Warning = _transformer.WarnOnnxExport }, options => _transformer.ScoringTask.SaveAsOnnx(ctx, options));
    }

    /// <summary>Not a saved data transform: the transformer itself is what goes into a model zip.</summary>
    void ICanSaveModel.Save(ModelSaveContext ctx)
        => throw new NotSupportedException("A RemBERT scored view is not saved as a data transform: save the transformer with mlContext.Model.Save.");

    /// <inheritdoc/>
    public bool CanShuffle => _input.CanShuffle;

    /// <inheritdoc/>
    public DataViewSchema Schema { get; }

    /// <inheritdoc/>
    public long? GetRowCount() => _input.GetRowCount();

    /// <inheritdoc/>
    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null)
    {
        // A view made before the model was disposed opens no new cursor after (cursors already open finish their batches).
        _transformer.Lifetime.ThrowIfDisposedDirectly();
        var needed = columnsNeeded.Select(column => column.Index).ToHashSet();
        int inputCount = _input.Schema.Count;
        var task = _transformer.ScoringTask;
        var outputCount = Schema.Count - inputCount;
        bool anyOutput = Enumerable.Range(inputCount, outputCount).Any(needed.Contains);

        // Both cursors must see the same order: a shuffled cursor pair gets two generators with one seed.
        int? seed = rand?.Next();
        // The input's cursors are sets of one: for GetRowCursor, ML.NET's row-to-row transforms (MapValueToKey before
        // our trainers) split their input over threads made for each cursor and consolidate them, which costs more
        // than the mapping they parallelise and leaves threads spinning beside the forward passes (Serving/SingleCursorView.cs).
        var primary = SingleCursorView.Open(_input, _input.Schema.Where(column => needed.Contains(column.Index)), Shuffler(seed));
        DataViewRowCursor? readAhead = null;
        try
        {
            if (anyOutput)
                readAhead = SingleCursorView.Open(_input, task.InputColumns.Select(input => _input.Schema[input.Name]), Shuffler(seed));
            var getters = task.CreateGetters(_transformer.Lifetime, engineHold: null, primary, readAhead, _transformer.InferenceBatchSize, i => needed.Contains(inputCount + i));
            return new BatchScoringCursor(primary, readAhead, Schema, getters);
        }
        catch
        {
            primary.Dispose();
            readAhead?.Dispose();
            throw;
        }
    }

    /// <summary>
    /// One cursor: the batch inside it is where the parallelism is (libtorch uses every core for one forward pass),
    /// and ML.NET allows a set smaller than asked for.
    /// </summary>
    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null)
        => [GetRowCursor(columnsNeeded, rand)];

    private static Random? Shuffler(int? seed) => seed is int value ? new Random(value) : null;
}
