using Microsoft.ML.Data;
using Microsoft.ML.Model.OnnxConverter;
using Microsoft.ML.RemBert.MLNet.Persistence;
using Microsoft.ML.RemBert.MLNet.Scoring;
using Microsoft.ML.RemBert.MLNet.Tokenization;
using Microsoft.ML.RemBert.MLNet.Trainers;
using Microsoft.ML.RemBert.Modeling;
using Microsoft.ML.RemBert.Onnx;
using Microsoft.ML.RemBert.Runtime;
using Microsoft.ML.RemBert.Transforms;
using Microsoft.ML.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.RemBert.MLNet.Embeddings;

/// <summary>
/// Sentence embeddings on the batched scoring base: a text encoded as <c>[CLS] text [SEP]</c> (truncated), one forward
/// pass of the encoder per batch, the last hidden state pooled over the row's own tokens (<see cref="RemBertPooling"/>)
/// and optionally L2-normalised, in float32 whatever the model's precision. Saves its settings, the tokenizer and the
/// encoder inside the zip; exported to ONNX with the same pooling as graph operators.
/// </summary>
internal sealed class EmbeddingScoringTask : RemBertScoringTask<EncodedSequence, float[]>
{
    /// <summary>Name of the task's entry in the transformer's directory.</summary>
    public const string EntryName = "RemBertEmbeddingsTask.bin";

    // Version 1: the layout documented at Save.
    private static readonly EntryFormatVersion Version = new(Current: 1, OldestReadable: 1);

    // torch.nn.functional.normalize's default: a zero vector stays zero instead of dividing by zero.
    private const float NormEpsilon = 1e-12f;

    private readonly Device _device;

    public EmbeddingScoringTask(SequenceEncoder encoder, string outputColumnName, RemBertPooling pooling, bool normalize, RemBertModel model)
    {
        Encoder = encoder;
        OutputColumnName = outputColumnName;
        Pooling = pooling;
        Normalize = normalize;
        Model = model;
        _device = model.parameters().First().device;
        int size = model.Config.HiddenSize;
        Outputs =
        [
            ScoringOutputColumn<float[]>.Create(outputColumnName, new VectorDataViewType(NumberDataViewType.Single, size),
                (float[] embedding, ref VBuffer<float> value) =>
                {
                    var editor = VBufferEditor.Create(ref value, embedding.Length);
                    embedding.CopyTo(editor.Values);
                    value = editor.Commit();
                }),
        ];
    }

    public SequenceEncoder Encoder { get; }

    public string OutputColumnName { get; }

    public RemBertPooling Pooling { get; }

    public bool Normalize { get; }

    public RemBertModel Model { get; }

    internal override RemBertPreTrainedModel ScoredModel => Model;

    public override IReadOnlyList<ScoringInputColumn> InputColumns => Encoder.InputColumns;

    public override IReadOnlyList<ScoringOutputColumn<float[]>> Outputs { get; }

    public override Func<EncodedSequence> CreateRowReader(DataViewRow input) => Encoder.CreateReader(input, "input data");

    /// <inheritdoc/>
    internal override int? SequenceLength(EncodedSequence row) => row.InputIds.Length;

    public override RemBertBatchInputs Collate(IReadOnlyList<EncodedSequence> rows)
        => RemBertBatchInputs.Pad(rows.Select(row => row.InputIds).ToList(), rows.Select(row => row.TokenTypeIds).ToList(), Encoder.Tokenizer.PadTokenId, _device);

    public override float[][] Forward(RemBertBatchInputs inputs, IReadOnlyList<EncodedSequence> rows)
    {
        using var output = Model.forward(inputs.InputIds, inputs.AttentionMask, inputs.TokenTypeIds);
        var pooled = Pool(output.LastHiddenState.detach().to_type(ScalarType.Float32), inputs.AttentionMask, Pooling);
        if (Normalize)
            pooled = nn.functional.normalize(pooled, p: 2, dim: 1, eps: NormEpsilon);
        var flat = pooled.cpu().contiguous();
        int count = (int)flat.shape[0], size = (int)flat.shape[1];
        float[] values = flat.data<float>().ToArray();
        return Enumerable.Range(0, count).Select(row => values.AsSpan(row * size, size).ToArray()).ToArray();
    }

    /// <summary>What padding positions read as under max pooling: never the maximum (held: issue 25).</summary>
    private static readonly Scalar MaskedForMax = float.NegativeInfinity;

    /// <summary>One vector per row of <paramref name="hidden"/> <c>[rows, seq, hidden]</c>, over the positions <paramref name="attentionMask"/> marks.</summary>
    internal static Tensor Pool(Tensor hidden, Tensor attentionMask, RemBertPooling pooling)
    {
        var mask = attentionMask.unsqueeze(-1);
        return pooling switch
        {
            RemBertPooling.Cls => hidden.select(1, 0),
            RemBertPooling.Max => hidden.masked_fill(mask.eq(HeldScalars.Zero), MaskedForMax).amax([1]),
            _ => (hidden * mask.to_type(ScalarType.Float32)).sum(1) / mask.to_type(ScalarType.Float32).sum(1).clamp_min(HeldScalars.One),
        };
    }

    /// <summary>
    /// ONNX: the text tokenized in the graph (or the ids inputs), the encoder's sequence output, the pooling over the
    /// attention mask (Mean: masked ReduceMean ratio; Max: Where then ReduceMax; Cls: Gather of position 0), then the L2
    /// normalisation (<c>x / max(‖x‖, 1e-12)</c>), as <see cref="Forward"/> computes them.
    /// </summary>
    internal override void SaveAsOnnx(OnnxContext ctx, RemBertOnnxExportOptions options)
    {
        ctx.CheckOpSetVersion(options.QuantizeInt8 ? OnnxGraph.MinimumInt8OpSet : OnnxGraph.MinimumOpSet, nameof(EmbeddingScoringTask));
        var graph = new OnnxGraph(ctx);
        var writer = new RemBertOnnxWriter(graph, Model, options);
        var inputs = RemBertOnnxTokenizerWriter.TextOrIds(graph, Encoder.Tokenizer, Encoder.Sentence1ColumnName, null, Encoder.MaxSequenceLength, options);
        // A bare encoder's state dict has no "rembert." prefix.
        var (hidden, _) = writer.Encode(inputs, prefix: "");
        var mask = graph.Unsqueeze(inputs.AttentionMask, 2);
        string pooled;
        switch (Pooling)
        {
            case RemBertPooling.Cls:
                pooled = graph.Op("Gather", [hidden, graph.LongScalar(0)], node => node.AddAttribute("axis", 1L));
                break;
            case RemBertPooling.Max:
                var kept = graph.Op("Where", graph.Cast(mask, OnnxDataType.Bool), hidden, graph.Scalar(float.MinValue));
                pooled = graph.Op("ReduceMax", [kept], SequenceAxis);
                break;
            default:
                // ReduceMean keeps its axes attribute in every opset the export targets (ReduceSum moved it to an input at 13);
                // the ratio of two means over the sequence is the ratio of the sums.
                var weights = graph.ToFloat(mask);
                var mean = graph.Op("ReduceMean", [graph.Op("Mul", hidden, weights)], SequenceAxis);
                pooled = graph.Op("Div", mean, graph.Op("ReduceMean", [weights], SequenceAxis));
                break;
        }
        if (Normalize)
        {
            var norm = graph.Op("ReduceL2", [pooled], node =>
            {
                node.AddAttribute("axes", new long[] { 1 });
                node.AddAttribute("keepdims", 1L);
            });
            pooled = graph.Op("Div", pooled, graph.Op("Max", norm, graph.Scalar(NormEpsilon)));
        }
        graph.Column(OutputColumnName, Outputs[0].Type, pooled);
    }

    private static void SequenceAxis(OnnxNode node)
    {
        node.AddAttribute("axes", new long[] { 1 });
        node.AddAttribute("keepdims", 0L);
    }

    /// <summary>The text column encoded as scoring encodes it (truncated to MaxSequenceLength), padded: the ids-in export's inputs.</summary>
    internal override RemBertTokenizingTransformer CreateOnnxInputTokenizer(IHostEnvironment env) => new(env, Encoder.Tokenizer, new RemBertTokenizingOptions
    {
        InputColumnName = Encoder.Sentence1ColumnName,
        MaxSequenceLength = Encoder.MaxSequenceLength,
        Truncation = Microsoft.ML.RemBert.Tokenization.TruncationStrategy.LongestFirst,
    });

    /// <summary>
    /// Entries: <see cref="EntryName"/>, then the tokenizer (<see cref="RemBertTokenizerEntry"/>) and the encoder
    /// (<see cref="RemBertModelEntry"/>). <see cref="EntryName"/> body, version 1:
    /// <code>
    ///   string  InputColumnName
    ///   string  OutputColumnName
    ///   int32   MaxSequenceLength
    ///   int32   Pooling (RemBertPooling: 0 mean, 1 cls, 2 max)
    ///   bool    Normalize
    /// </code>
    /// </summary>
    public override void Save(ModelSaveContext ctx)
    {
        ctx.SaveEntry(EntryName, Version, writer =>
        {
            writer.Write(Encoder.Sentence1ColumnName);
            writer.Write(OutputColumnName);
            writer.Write(Encoder.MaxSequenceLength);
            writer.Write((int)Pooling);
            writer.Write(Normalize);
        });
        RemBertTokenizerEntry.Save(ctx, Encoder.Tokenizer);
        RemBertModelEntry.Save(ctx, Model);
    }

    /// <summary>Reads what <see cref="Save"/> wrote; errors name the entry at fault.</summary>
    public static EmbeddingScoringTask Load(ModelLoadContext ctx)
    {
        string entryPath = ModelContextEntries.EntryPath(ctx, EntryName);
        var (input, output, maxLength, pooling, normalize) = ctx.LoadEntry(EntryName, Version, (reader, _) =>
        {
            string inputColumn = reader.ReadString();
            string outputColumn = reader.ReadString();
            int length = reader.ReadInt32();
            var kind = (RemBertPooling)reader.ReadInt32();
            bool norm = reader.ReadBoolean();
            if (length < 3)
                throw new RemBertModelFormatException(entryPath, $"MaxSequenceLength is {length}; it must be at least 3.");
            if (!Enum.IsDefined(kind))
                throw new RemBertModelFormatException(entryPath, $"pooling {(int)kind} is not one of {string.Join(", ", Enum.GetNames<RemBertPooling>())}.");
            return (inputColumn, outputColumn, length, kind, norm);
        });
        var tokenizer = RemBertTokenizerEntry.Load(ctx);
        var model = RemBertModelEntry.Load(ctx);
        if (model is not RemBertModel encoder)
        {
            model.Dispose();
            throw new RemBertModelFormatException(ModelContextEntries.EntryPath(ctx, RemBertModelEntry.EntryName),
                $"holds a {model.GetType().Name}; a {nameof(RemBertModel)} (the encoder alone) was expected.");
        }
        return new EmbeddingScoringTask(new SequenceEncoder(tokenizer, input, null, maxLength), output, pooling, normalize, encoder);
    }

    public override void Dispose() => Model.Dispose();
}
