using Microsoft.ML.Data;
using Microsoft.ML.RemBert.MLNet;
using Microsoft.ML.RemBert.MLNet.Persistence;
using Microsoft.ML.RemBert.MLNet.Scoring;
using Microsoft.ML.RemBert.MLNet.Tokenization;
using Microsoft.ML.RemBert.Modeling;
using Microsoft.ML.RemBert.Onnx;
using Microsoft.ML.RemBert.Runtime;
using Microsoft.ML.RemBert.Transforms;
using Microsoft.ML.Runtime;
using TorchSharp;

namespace Microsoft.ML.RemBert.Trainers;

/// <summary>
/// Base of every transformer that runs a RemBERT model over rows (classification, regression, token
/// classification, question answering…). <see cref="Transform"/> returns a lazy view whose cursors gather up to
/// <see cref="InferenceBatchSize"/> rows, pad them to the batch's own longest row, run one forward pass per batch,
/// and serve each row's outputs from it; <c>GetRowToRowMapper</c> (PredictionEngine) scores one row per pass.
/// Input columns pass through; the task's output columns are added (hiding same-named input columns).
/// </summary>
/// <remarks>
/// <para>Thread safety: one transformer may be used from several threads at once (each cursor and each
/// PredictionEngine keeps its own batch; the model runs in eval mode under <c>no_grad</c>). A PredictionEngine
/// itself is not thread-safe, as in ML.NET: create one per thread (or pool them).</para>
/// <para>Lifetime (docs/serving.md, "Model lifetime"): the transformer owns its model's native memory. It is freed once
/// the transformer has been disposed and no PredictionEngine over it exists any more (an engine holds the model until
/// it is garbage-collected), after the forward passes in flight (each holds a lease). So a pool of default engines
/// over one model keeps working while it disposes its surplus engines (each of which disposes the transformer it
/// owns), a model disposed while other threads score never frees tensors under them, later use throws an
/// <see cref="ObjectDisposedException"/> naming who disposed the model, and a model never disposed is freed when it
/// becomes unreachable and is collected.</para>
/// <para>A derived transformer declares only its <c>LoadableClass</c> attribute (<c>SignatureLoadModel</c>, one per
/// type), its <c>VersionInfo</c> (<see cref="CreateVersionInfo"/>), a constructor and a static
/// <c>Create(IHostEnvironment, ModelLoadContext)</c> that calls <see cref="Load{TTask, TTransformer}"/>: ML.NET's
/// catalog accepts a <c>Create</c> only when declared on the registered type and returning exactly it. A trainer's
/// transformer derives from <see cref="RemBertScoringTransformer{TModel}"/>, which adds its <c>Model</c>.</para>
/// </remarks>
public abstract class RemBertScoringTransformer : ITransformer, IDisposable
{
    /// <summary>Rows per forward pass when none is given.</summary>
    public const int DefaultInferenceBatchSize = 32;

    // Model.key layout version written by this base class (see ICanSaveModel.Save below); a derived class's
    // VersionInfo carries it, so changing the layout here means bumping it for every derived transformer.
    private const uint ModelLayoutVersion = 0x00010001;

    private readonly VersionInfo _versionInfo;
    private readonly RemBertScoringTask _task;
    private readonly ScoringModelLifetime _lifetime;
    private int _inferenceBatchSize;

    /// <summary>Builds a transformer around <paramref name="task"/>, which it then owns (and disposes).</summary>
    /// <param name="env">The ML.NET environment.</param>
    /// <param name="registrationName">Name of this component in ML.NET's logs and errors.</param>
    /// <param name="task">What the model reads, runs and writes.</param>
    /// <param name="inferenceBatchSize">Rows per forward pass in <see cref="Transform"/>; at least 1.</param>
    /// <param name="versionInfo">The derived type's version info, from <see cref="CreateVersionInfo"/>.</param>
    private protected RemBertScoringTransformer(IHostEnvironment env, string registrationName, RemBertScoringTask task,
        int inferenceBatchSize, VersionInfo versionInfo)
    {
        Host = Contracts.CheckRef(env, nameof(env)).Register(registrationName);
        Host.CheckValue(task, nameof(task));
        if (inferenceBatchSize < 1)
            throw Host.ExceptParam(nameof(inferenceBatchSize), $"InferenceBatchSize must be at least 1, not {inferenceBatchSize}.");
        _task = task;
        _inferenceBatchSize = inferenceBatchSize;
        _versionInfo = versionInfo;
        _lifetime = new ScoringModelLifetime(task, GetType().Name);
    }

    /// <summary>Rows gathered into one forward pass by <see cref="Transform"/>'s cursors (PredictionEngine scores one row at a time).</summary>
    public int InferenceBatchSize => Volatile.Read(ref _inferenceBatchSize);

    /// <summary>The ML.NET host of this transformer (errors, logging).</summary>
    private protected IHost Host { get; }

    /// <summary>The task: model, tokenizer, columns.</summary>
    internal RemBertScoringTask ScoringTask
    {
        get
        {
            _lifetime.ThrowIfDisposed();
            return _task;
        }
    }

    /// <summary>The owner of the model's native memory: scoring, saving and exporting hold a lease on it.</summary>
    internal ScoringModelLifetime Lifetime => _lifetime;

    /// <summary>Always true: <see cref="PredictionEngine{TSrc, TDst}"/> works on this transformer.</summary>
    public bool IsRowToRowMapper => true;

    /// <summary>The input columns, then the task's output columns; throws naming a missing or mistyped input column.</summary>
    public DataViewSchema GetOutputSchema(DataViewSchema inputSchema)
    {
        Host.CheckValue(inputSchema, nameof(inputSchema));
        ScoringTask.CheckInputSchema(Host, inputSchema);
        return ScoringSchema.Build(inputSchema, ScoringTask);
    }

    /// <summary>The estimator-time shape of the output: <paramref name="inputSchema"/> plus the task's columns.</summary>
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        Host.CheckValue(inputSchema, nameof(inputSchema));
        ScoringTask.CheckInputSchema(Host, inputSchema);
        return ScoringSchema.Append(inputSchema, ScoringSchema.OutputShapes(ScoringTask));
    }

    /// <summary>A lazy view of <paramref name="input"/> with the task's outputs, scored in batches of <see cref="InferenceBatchSize"/>.</summary>
    public IDataView Transform(IDataView input)
    {
        Host.CheckValue(input, nameof(input));
        _lifetime.ThrowIfDisposedDirectly();
        return new ScoredDataView(this, input, GetOutputSchema(input.Schema));
    }

    /// <summary>A mapper that scores each row alone, for PredictionEngine and composed transformer chains.</summary>
    public IRowToRowMapper GetRowToRowMapper(DataViewSchema inputSchema)
        => new ScoringRowMapper(this, inputSchema, GetOutputSchema(inputSchema));

    /// <summary>
    /// The tokenizer transform to put before <c>ApplyOnnxModel</c> when scoring this model's ids-in ONNX export
    /// (<c>ConvertToOnnx</c> of <c>ForOnnxExport</c> with <c>TokenIdsInput</c>; the default export reads text and
    /// tokenizes in the graph): it writes the graph's inputs InputIds, AttentionMask and TokenTypeIds
    /// from this transformer's input columns exactly as <see cref="Transform"/> encodes them.
    /// </summary>
    /// <exception cref="NotSupportedException">This task has no ONNX export, or its rows are not one sequence each (multiple choice, named entities, question answering: their <c>EncodeForOnnx</c> writes the graph's inputs).</exception>
    public RemBertTokenizingTransformer CreateOnnxInputTokenizer() => ScoringTask.CreateOnnxInputTokenizer(Host);

    /// <summary>
    /// This transformer as <c>mlContext.Model.ConvertToOnnx</c> should export it with <paramref name="options"/> (e.g.
    /// int8 weights): <c>ConvertToOnnx(model.ForOnnxExport(options), data, stream)</c>. The result scores and saves
    /// exactly as this transformer does (it shares its model; dispose this one, not it).
    /// </summary>
    public ITransformer ForOnnxExport(RemBertOnnxExportOptions options)
    {
        Host.CheckValue(options, nameof(options));
        return new OnnxExportingTransformer(this, options);
    }

    /// <summary>Logs an ONNX export warning (e.g. a fallback from text to ids input) on this transformer's channel: <c>mlContext.Log</c>.</summary>
    internal void WarnOnnxExport(string message)
    {
        using var channel = Host.Start("ONNX export");
        channel.Warning(message);
    }

    /// <summary>A view with Transform's outputs whose ONNX export follows <paramref name="options"/>.</summary>
    internal IDataView TransformForOnnxExport(IDataView input, RemBertOnnxExportOptions options)
    {
        Host.CheckValue(input, nameof(input));
        _lifetime.ThrowIfDisposedDirectly();
        return new ScoredDataView(this, input, GetOutputSchema(input.Schema), options);
    }

    /// <summary>
    /// Model.key layout (after ML.NET's header and the derived type's VersionInfo), version 0x00010001:
    /// <code>
    ///   int32  InferenceBatchSize
    /// </code>
    /// followed by the task's own entries in this transformer's directory (<see cref="RemBertScoringTask.Save"/>: e.g.
    /// the model and tokenizer entries), each framed and versioned by <see cref="VersionedEntry"/>.
    /// </summary>
    void ICanSaveModel.Save(ModelSaveContext ctx)
    {
        Host.CheckValue(ctx, nameof(ctx));
        ctx.CheckAtModel();
        ctx.SetVersionInfo(_versionInfo);
        _lifetime.ThrowIfDisposedDirectly();
        using var lease = _lifetime.Acquire();
        ctx.Writer.Write(InferenceBatchSize);
        _task.Save(ctx);
    }

    /// <summary>
    /// The version info of a derived transformer: its 8-character model signature and its loader signature (the
    /// name in its <c>LoadableClass</c> attribute), with this base class's layout version.
    /// </summary>
    private protected static VersionInfo CreateVersionInfo(string modelSignature, string loaderSignature, Type transformerType) => new(
        modelSignature: modelSignature,
        verWrittenCur: ModelLayoutVersion,
        verReadableCur: ModelLayoutVersion,
        verWeCanReadBack: ModelLayoutVersion,
        loaderSignature: loaderSignature,
        loaderAssemblyName: transformerType.Assembly.FullName);

    /// <summary>
    /// Reads what <c>Save</c> wrote: checks the version info, reads the base fields, loads the task with
    /// <paramref name="loadTask"/> (which reads the task's entries) and builds the transformer with <paramref name="create"/>
    /// (given the task and the batch size). Errors name the zip entry at fault; a Microsoft.ML outside the supported
    /// range is refused first, before the method that calls ML.NET's internals is compiled.
    /// </summary>
    private protected static TTransformer Load<TTask, TTransformer>(IHostEnvironment env, ModelLoadContext ctx, VersionInfo versionInfo,
        Func<ModelLoadContext, TTask> loadTask, Func<TTask, int, TTransformer> create)
        where TTask : RemBertScoringTask
        where TTransformer : RemBertScoringTransformer
    {
        MLNetVersionCheck.EnsureSupported();
        return LoadSupported(env, ctx, versionInfo, loadTask, create);
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static TTransformer LoadSupported<TTask, TTransformer>(IHostEnvironment env, ModelLoadContext ctx, VersionInfo versionInfo,
        Func<ModelLoadContext, TTask> loadTask, Func<TTask, int, TTransformer> create)
        where TTask : RemBertScoringTask
        where TTransformer : RemBertScoringTransformer
    {
        Contracts.CheckValue(env, nameof(env));
        env.CheckValue(ctx, nameof(ctx));
        ctx.CheckAtModel(versionInfo);
        int batchSize = ctx.Reader.ReadInt32();
        if (batchSize < 1)
            throw new RemBertModelFormatException(ModelContextEntries.EntryPath(ctx, ModelLoadContext.ModelStreamName),
                $"InferenceBatchSize is {batchSize}; it must be at least 1.");
        var task = loadTask(ctx);
        try
        {
            return create(task, batchSize);
        }
        catch
        {
            task.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Converts the model's weights to <paramref name="precision"/> in place, e.g. a float32 model loaded from a zip to
    /// bfloat16 for faster scoring (half the memory; LayerNorm, softmax and scores stay float32). A later save keeps the
    /// new precision. Not thread-safe: call it before scoring, never while a cursor or PredictionEngine uses the transformer.
    /// </summary>
    /// <exception cref="NotSupportedException">The transformer's task exposes no RemBERT model.</exception>
    public void ConvertTo(RemBertPrecision precision) => Configure(device: null, precision, inferenceBatchSize: null, prepackWeights: null);

    /// <summary>
    /// Refuses, before anything changes, prepacked weights (<paramref name="prepackWeights"/> true) that the model would
    /// not have on <paramref name="device"/> in <paramref name="precision"/> (null: the current ones): only on the CPU.
    /// </summary>
    internal void CheckPrepackable(TorchSharp.torch.Device? device, RemBertPrecision? precision, bool? prepackWeights)
    {
        if (prepackWeights != true)
            return;
        var targetDevice = device ?? _task.ModelDevice;
        var targetType = precision?.ToScalarType() ?? _task.ModelType;
        if (targetDevice.type != TorchSharp.DeviceType.CPU)
            throw new ArgumentException($"PrepackWeights applies to weights on the CPU; this model would score on {targetDevice}.", nameof(prepackWeights));
        if (PrepackedWeight.WhyNotPackable(targetType, targetDevice.type) is { } why)
            throw new NotSupportedException(why);
    }

    /// <summary>
    /// Moves the model to <paramref name="device"/>, converts its weights to <paramref name="precision"/>, prepacks or
    /// unpacks its weights and sets <see cref="InferenceBatchSize"/> (null: unchanged); see <c>RemBertScoringCatalog.ConfigureRemBertScoring</c>.
    /// Not thread-safe: never while a cursor or PredictionEngine scores with this transformer.
    /// </summary>
    internal void Configure(TorchSharp.torch.Device? device, RemBertPrecision? precision, int? inferenceBatchSize, bool? prepackWeights)
    {
        if (inferenceBatchSize is < 1)
            throw Host.ExceptParam(nameof(inferenceBatchSize), $"InferenceBatchSize must be at least 1, not {inferenceBatchSize}.");
        CheckPrepackable(device, precision, prepackWeights);
        if (device is not null || precision is not null || prepackWeights is not null)
            _lifetime.Change(task => task.MoveModel(device, precision, prepackWeights));
        if (precision is { } wanted)
            BFloat16Support.WarnIfEmulated(wanted, device ?? _task.ModelDevice, message =>
            {
                using var channel = Host.Start("Scoring settings");
                channel.Warning(message);
            });
        if (inferenceBatchSize is int size)
            Volatile.Write(ref _inferenceBatchSize, size);
    }

    /// <summary>
    /// Lets the model go: its native memory is freed once no PredictionEngine over it exists any more (at once when
    /// none was created) and the forward passes in flight have finished; any later use throws an
    /// <see cref="ObjectDisposedException"/> naming the caller of this Dispose. Idempotent and thread-safe. A
    /// PredictionEngine that owns its transformer (ML.NET's default) calls it too: the other engines keep scoring.
    /// </summary>
    public void Dispose() => _lifetime.Dispose(DisposeCaller.Describe());
}
