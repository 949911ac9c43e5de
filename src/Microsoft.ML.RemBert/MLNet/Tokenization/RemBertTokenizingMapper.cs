using Microsoft.ML.Data;
using Microsoft.ML.Model.OnnxConverter;
using Microsoft.ML.RemBert.Onnx;
using Microsoft.ML.RemBert.Tokenization;
using Microsoft.ML.RemBert.Transforms;
using Microsoft.ML.Runtime;

namespace Microsoft.ML.RemBert.MLNet.Tokenization;

/// <summary>
/// Row mapper of <see cref="RemBertTokenizingTransformer"/>. ML.NET may run several cursors in parallel; each
/// cursor gets its own getters (sharing one <see cref="RowEncodingCache"/>), and the tokenizer is thread-safe,
/// so no state is shared between threads. The three getters of one row share a single encoding.
/// It also writes itself into <c>mlContext.Model.ConvertToOnnx</c>'s graph (<see cref="SaveAsOnnx"/>).
/// </summary>
internal sealed class RemBertTokenizingMapper : RowToRowTransformerBase.MapperBase, ISaveAsOnnx
{
    // Positions of the outputs in GetOutputColumnsCore.
    private const int InputIdsIndex = 0;
    private const int AttentionMaskIndex = 1;
    private const int TokenTypeIdsIndex = 2;

    private readonly RemBertTokenizingTransformer _parent;
    private readonly int _firstColumn;
    private readonly int? _secondColumn;
    private readonly RemBertEncodeOptions _encodeOptions;

    public RemBertTokenizingMapper(RemBertTokenizingTransformer parent, IHost host, DataViewSchema inputSchema)
        : base(host, inputSchema, parent)
    {
        _parent = parent;
        var options = parent.Options;
        _firstColumn = FindTextColumn(inputSchema, options.InputColumnName);
        _secondColumn = options.SecondInputColumnName is null ? null : FindTextColumn(inputSchema, options.SecondInputColumnName);
        _encodeOptions = new RemBertEncodeOptions
        {
            MaxLength = options.MaxSequenceLength,
            Truncation = options.Truncation,
            Padding = PaddingStrategy.MaxLength,
        };
    }

    /// <summary>The output columns' type: Int64 vectors of MaxSequenceLength items.</summary>
    private static VectorDataViewType OutputType(RemBertTokenizingOptions options) => new(NumberDataViewType.Int64, options.MaxSequenceLength);

    private int FindTextColumn(DataViewSchema schema, string name)
    {
        if (!schema.TryGetColumnIndex(name, out int index))
            throw Host.ExceptSchemaMismatch(nameof(schema), "input", name);
        var type = schema[index].Type;
        if (type is not TextDataViewType)
            throw Host.ExceptSchemaMismatch(nameof(schema), "input", name, TextDataViewType.Instance.ToString(), type.ToString());
        return index;
    }

    protected override DataViewSchema.DetachedColumn[] GetOutputColumnsCore()
    {
        var options = _parent.Options;
        var type = OutputType(options);
        return
        [
            new DataViewSchema.DetachedColumn(options.InputIdsColumnName, type),
            new DataViewSchema.DetachedColumn(options.AttentionMaskColumnName, type),
            new DataViewSchema.DetachedColumn(options.TokenTypeIdsColumnName, type),
        ];
    }

    protected override Func<int, bool> GetDependenciesCore(Func<int, bool> activeOutput)
    {
        bool anyActive = Enumerable.Range(0, OutputColumns.Value.Length).Any(activeOutput);
        return column => anyActive && (column == _firstColumn || column == _secondColumn);
    }

    /// <summary>
    /// Called once per cursor: the active outputs share one <see cref="RowEncodingCache"/>, so each row is
    /// tokenized once however many of the three columns are read.
    /// </summary>
    public override Delegate[] CreateGetters(DataViewRow input, Func<int, bool> activeOutput, out Action? disposer)
    {
        disposer = null;
        var cache = new RowEncodingCache(input, this);
        var getters = new Delegate[OutputColumns.Value.Length];
        for (int i = 0; i < getters.Length; i++)
        {
            if (activeOutput(i))
                getters[i] = MakeGetter(cache, i);
        }
        return getters;
    }

    protected override Delegate MakeGetter(DataViewRow input, int iinfo, Func<int, bool> activeOutput, out Action? disposer)
    {
        disposer = null;
        return MakeGetter(new RowEncodingCache(input, this), iinfo);
    }

    private Delegate MakeGetter(RowEncodingCache cache, int iinfo) => iinfo switch
    {
        InputIdsIndex => MakeVectorGetter(cache, encoding => encoding.InputIds),
        AttentionMaskIndex => MakeVectorGetter(cache, encoding => encoding.AttentionMask),
        TokenTypeIdsIndex => MakeVectorGetter(cache, encoding => encoding.TokenTypeIds),
        _ => throw Host.ExceptParam(nameof(iinfo), $"Unknown output column index {iinfo}."),
    };

    private ValueGetter<VBuffer<long>> MakeVectorGetter(RowEncodingCache cache, Func<RemBertEncoding, int[]> select)
    {
        int length = _parent.Options.MaxSequenceLength;
        return (ref VBuffer<long> value) =>
        {
            int[] ids = select(cache.Get());
            var editor = VBufferEditor.Create(ref value, length);
            for (int i = 0; i < length; i++)
                editor.Values[i] = ids[i];
            value = editor.Commit();
        };
    }

    /// <summary>Tokenizes the current row of <paramref name="input"/>; errors name the row and column.</summary>
    internal RemBertEncoding Encode(DataViewRow input, ValueGetter<ReadOnlyMemory<char>> first, ValueGetter<ReadOnlyMemory<char>>? second)
    {
        ReadOnlyMemory<char> text = default;
        first(ref text);
        string? pair = null;
        if (second is not null)
        {
            ReadOnlyMemory<char> pairText = default;
            second(ref pairText);
            pair = pairText.ToString();
        }
        RemBertEncoding encoding;
        try
        {
            encoding = _parent.Tokenizer.Encode(text.ToString(), pair, _encodeOptions);
        }
        catch (ArgumentException e)
        {
            // A truncation that cannot fit (e.g. OnlySecond with an empty pair): the tokenizer's message lacks the row.
            // Bad data, not a bug: our own type, so callers (rembert predict) report it as the row's fault.
            throw new InvalidDataException($"{RowDescription(input, pair is not null)}: {e.Message}", e);
        }
        int length = _parent.Options.MaxSequenceLength;
        if (encoding.InputIds.Length != length)
        {
            throw new InvalidDataException(
                $"{RowDescription(input, pair is not null)} encodes to {encoding.InputIds.Length} tokens, more than MaxSequenceLength {length}; " +
                $"choose a truncation strategy other than {_parent.Options.Truncation}.");
        }
        return encoding;
    }

    private string RowDescription(DataViewRow input, bool hasPair) =>
        $"Row {input.Position} of column '{_parent.Options.InputColumnName}'" + (hasPair ? $" and '{_parent.Options.SecondInputColumnName}'" : "");

    internal ValueGetter<ReadOnlyMemory<char>> FirstGetter(DataViewRow input) => input.GetGetter<ReadOnlyMemory<char>>(input.Schema[_firstColumn]);

    internal ValueGetter<ReadOnlyMemory<char>>? SecondGetter(DataViewRow input)
        => _secondColumn is int column ? input.GetGetter<ReadOnlyMemory<char>>(input.Schema[column]) : null;

    /// <summary>
    /// Always true, even for a tokenizer the graph cannot reproduce: false would make ML.NET drop this step with a
    /// warning and fail later without saying why; <see cref="SaveAsOnnx"/> throws the reason instead.
    /// </summary>
    public bool CanSaveOnnx(OnnxContext ctx) => true;

    /// <summary>
    /// Text column(s) in, the three columns out, equal to this mapper's (ids, longest-first truncation, padding to
    /// MaxSequenceLength), through ONNX Runtime Extensions' SentencePiece operator: see RemBertOnnxTokenizerWriter.
    /// </summary>
    /// <exception cref="NotSupportedException">The tokenizer's options cannot be written as a graph; the message says which.</exception>
    public void SaveAsOnnx(OnnxContext ctx)
    {
        var options = _parent.Options;
        ctx.CheckOpSetVersion(OnnxGraph.MinimumOpSet, nameof(RemBertTokenizingTransformer));
        var graph = new OnnxGraph(ctx);
        var encoded = RemBertOnnxTokenizerWriter.Write(graph, _parent.Tokenizer, ctx.GetVariableName(options.InputColumnName),
            options.SecondInputColumnName is null ? null : ctx.GetVariableName(options.SecondInputColumnName),
            options.MaxSequenceLength, options.Truncation, padToLongest: false);
        var type = OutputType(options);
        graph.Column(options.InputIdsColumnName, type, encoded.InputIds);
        graph.Column(options.AttentionMaskColumnName, type, encoded.AttentionMask);
        graph.Column(options.TokenTypeIdsColumnName, type, encoded.TokenTypeIds);
    }

    // A mapper saved on its own (legacy IDataView pipelines) is saved as its transformer, which is what the
    // SignatureLoadRowMapper factory reads back.
    protected override void SaveModel(ModelSaveContext ctx) => ((ICanSaveModel)_parent).Save(ctx);
}
