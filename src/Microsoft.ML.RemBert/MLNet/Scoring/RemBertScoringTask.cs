using Microsoft.ML.Data;
using Microsoft.ML.Model.OnnxConverter;
using Microsoft.ML.RemBert.MLNet.Tokenization;
using Microsoft.ML.RemBert.Modeling;
using Microsoft.ML.RemBert.Onnx;
using Microsoft.ML.RemBert.Trainers;
using Microsoft.ML.RemBert.Transforms;
using Microsoft.ML.Runtime;
using TorchSharp;

namespace Microsoft.ML.RemBert.MLNet.Scoring;

/// <summary>
/// The non-generic face of a scoring task, all that <see cref="RemBertScoringTransformer"/> and its cursors and
/// row mapper need: which columns the model reads, which it writes, how to build the output getters of a row,
/// and how the task's state (model, tokenizer, options) is saved. Derive from
/// <see cref="RemBertScoringTask{TRow, TResult}"/>, never from this class.
/// </summary>
/// <remarks>
/// Thread safety: one task serves every cursor and row mapper of its transformer, possibly on several threads at
/// once, so a task keeps no per-row or per-batch state in fields (only the model, tokenizer and options, which
/// scoring only reads). Per-cursor state lives in the getters <see cref="CreateGetters"/> builds.
/// </remarks>
internal abstract class RemBertScoringTask : IDisposable
{
    private torch.Device? _modelDevice;

    private protected RemBertScoringTask()
    {
    }

    /// <summary>The columns the model reads (and that the input schema must hold with these types).</summary>
    public abstract IReadOnlyList<ScoringInputColumn> InputColumns { get; }

    /// <summary>Names, types and annotations of the columns this task adds, in output-schema order.</summary>
    internal abstract IReadOnlyList<(string Name, DataViewType Type, DataViewSchema.Annotations? Annotations)> OutputColumnInfos { get; }

    /// <summary>
    /// Getters of the output columns marked active by <paramref name="isOutputActive"/> (null for inactive ones) for
    /// the current row of <paramref name="current"/>, each forward pass under a lease of <paramref name="lifetime"/>;
    /// the getters keep <paramref name="engineHold"/> (a PredictionEngine row's hold on the model) reachable. With <paramref name="readAhead"/> (a cursor over the same input
    /// rows, in the same order, with <see cref="InputColumns"/> active) rows are read from it in batches of
    /// <paramref name="batchSize"/>; without it each row of <paramref name="current"/> is scored alone.
    /// </summary>
    internal abstract Delegate?[] CreateGetters(ScoringModelLifetime lifetime, ScoringModelLifetime.EngineHold? engineHold, DataViewRow current, DataViewRowCursor? readAhead, int batchSize,
        Func<int, bool> isOutputActive);

    /// <summary>
    /// Saves the task's state (model weights, tokenizer, options) into the transformer's directory of the model zip,
    /// as versioned entries (<c>ModelContextEntries.SaveEntry</c>): the transformer's own model stream layout
    /// belongs to <see cref="RemBertScoringTransformer"/>.
    /// </summary>
    public abstract void Save(ModelSaveContext ctx);

    /// <summary>
    /// ONNX export hook (<c>mlContext.Model.ConvertToOnnx</c>): writes the model and the output mapping into
    /// <paramref name="ctx"/>, reading the token ids from graph inputs (<c>Onnx/OnnxModelInputs</c>) and making each
    /// of <see cref="OutputColumnInfos"/> a column of the context (<c>Onnx/OnnxGraph.Column</c>), as
    /// <paramref name="options"/> say (pass them on to <c>RemBertOnnxWriter</c>). A task without an
    /// export keeps this default, which fails naming the task.
    /// </summary>
    /// <exception cref="NotSupportedException">The task or its model cannot be exported; the message says why.</exception>
    internal virtual void SaveAsOnnx(OnnxContext ctx, RemBertOnnxExportOptions options)
        => throw new NotSupportedException($"ONNX export is not available for {GetType().Name} (its output columns: " +
            $"{string.Join(", ", OutputColumnInfos.Select(column => column.Name))}): the task has no ONNX graph writer yet.");

    /// <summary>
    /// The tokenizer transform that turns this task's input columns into the exported graph's inputs exactly as
    /// scoring encodes them (the tokenizer stays in ML.NET, before <c>ApplyOnnxModel</c>).
    /// </summary>
    /// <exception cref="NotSupportedException">The task has no ONNX export, or its rows are not one sequence each (the task then says what encodes them).</exception>
    internal virtual RemBertTokenizingTransformer CreateOnnxInputTokenizer(IHostEnvironment env)
        => throw new NotSupportedException($"ONNX export is not available for {GetType().Name}, so it has no ONNX input tokenizer.");

    /// <summary>
    /// The RemBERT model the task runs, for operations on the whole model (<see cref="RemBertScoringTransformer.ConvertTo"/>);
    /// every task that owns a model overrides it. Null: the task exposes none.
    /// </summary>
    internal virtual RemBertPreTrainedModel? ScoredModel => null;

    /// <summary>Where the model's weights live, so where <c>Collate</c> puts a batch's tensors (the CPU for a task without a model).</summary>
    internal torch.Device ModelDevice => _modelDevice ??= ScoredModel?.parameters().First().device ?? torch.CPU;

    /// <summary>The element type of the model's weights (float32 for a task without a model).</summary>
    internal torch.ScalarType ModelType => ScoredModel?.parameters().First().dtype ?? torch.ScalarType.Float32;

    /// <summary>
    /// Moves the model to <paramref name="device"/>, converts its weights to <paramref name="precision"/> and packs
    /// (true) or unpacks (false) its encoder's weights for oneMKL (<see cref="PrepackedWeight"/>; null: all unchanged).
    /// Packs made before a move are made again after it when the model can still be packed (on the CPU), and dropped
    /// otherwise. Not thread-safe: no forward pass may run meanwhile.
    /// </summary>
    /// <exception cref="NotSupportedException">The task exposes no RemBERT model, or packing is not possible (see <see cref="PrepackedWeight.PackEncoder"/>).</exception>
    internal void MoveModel(torch.Device? device, RemBertPrecision? precision, bool? prepackWeights)
    {
        var model = ScoredModel ?? throw new NotSupportedException($"{GetType().Name} does not expose its RemBERT model, so its device, precision and packing cannot be changed.");
        bool moves = device is not null || precision is not null;
        // A move may give the weights new storage, which the packs would no longer describe.
        bool wasPacked = (moves || prepackWeights == false) && PrepackedWeight.RemoveAll(model) > 0;
        if (device is not null)
            model.to(device);
        if (precision is { } wanted)
            model.to(wanted.ToScalarType());
        _modelDevice = null;
        if (prepackWeights ?? (wasPacked && PrepackedWeight.WhyNotPackable(ModelType, ModelDevice.type) is null))
            PrepackedWeight.PackEncoder(model);
    }

    /// <summary>Frees the task's native memory (the model's tensors).</summary>
    public abstract void Dispose();

    /// <summary>Throws, naming the column and both types, when <paramref name="schema"/> lacks an input column or has it with another type.</summary>
    internal void CheckInputSchema(IExceptionContext ectx, DataViewSchema schema)
    {
        foreach (var input in InputColumns)
        {
            var column = schema.GetColumnOrNull(input.Name)
                ?? throw ectx.ExceptSchemaMismatch(nameof(schema), "input", input.Name);
            if (!input.Accepts(column.Type))
                throw ectx.ExceptSchemaMismatch(nameof(schema), "input", input.Name, input.ExpectedType, column.Type.ToString());
        }
    }

    /// <summary>As <see cref="CheckInputSchema(IExceptionContext, DataViewSchema)"/>, on an estimator's schema shape.</summary>
    internal void CheckInputSchema(IExceptionContext ectx, SchemaShape shape)
    {
        foreach (var input in InputColumns)
        {
            if (!shape.TryFindColumn(input.Name, out var column))
                throw ectx.ExceptSchemaMismatch(nameof(shape), "input", input.Name);
            if (!input.Accepts(column))
                throw ectx.ExceptSchemaMismatch(nameof(shape), "input", input.Name, input.ExpectedType, column.GetTypeString());
        }
    }
}
