using Microsoft.ML.Data;
using Microsoft.ML.Model.OnnxConverter;
using Microsoft.ML.RemBert.MLNet.Persistence;
using Microsoft.ML.RemBert.MLNet.Scoring;
using Microsoft.ML.RemBert.MLNet.Tokenization;
using Microsoft.ML.RemBert.Modeling;
using Microsoft.ML.RemBert.Onnx;
using Microsoft.ML.RemBert.Onnx.Tasks;
using Microsoft.ML.RemBert.Trainers;
using Microsoft.ML.RemBert.Transforms;
using Microsoft.ML.Runtime;
using static TorchSharp.torch;

namespace Microsoft.ML.RemBert.MLNet.Trainers;

/// <summary>
/// Scores rows with a trained sentence-level model: encodes the text column(s) as in training, runs
/// RemBertForSequenceClassification once per batch (through <see cref="RemBertScoringTransformer"/>'s batching),
/// and lets the head turn each row's logits into its output columns. Saves the encoder settings, the head, the
/// tokenizer and the model inside the zip.
/// </summary>
internal sealed class SequenceScoringTask : RemBertScoringTask<EncodedSequence, float[]>
{
    /// <summary>Name of the task's entry in the transformer's directory.</summary>
    public const string EntryName = "RemBertSequenceTask.bin";

    // Version 1: the layout documented at Save.
    private static readonly EntryFormatVersion Version = new(Current: 1, OldestReadable: 1);

    public SequenceScoringTask(SequenceEncoder encoder, RemBertForSequenceClassification model, SequenceHead head)
    {
        if (model.Config.NumLabels != head.NumLabels)
            throw new ArgumentException($"The model has {model.Config.NumLabels} outputs but the {head.Kind} head needs {head.NumLabels}.", nameof(model));
        Encoder = encoder;
        Model = model;
        Head = head;
    }

    public SequenceEncoder Encoder { get; }

    public RemBertForSequenceClassification Model { get; }

    internal override RemBertPreTrainedModel ScoredModel => Model;

    public SequenceHead Head { get; }

    public override IReadOnlyList<ScoringInputColumn> InputColumns => Encoder.InputColumns;

    public override IReadOnlyList<ScoringOutputColumn<float[]>> Outputs => Head.Outputs;

    public override Func<EncodedSequence> CreateRowReader(DataViewRow input) => Encoder.CreateReader(input, "input data");

    public override RemBertBatchInputs Collate(IReadOnlyList<EncodedSequence> rows)
        => RemBertBatchInputs.Pad(rows.Select(row => row.InputIds).ToList(), rows.Select(row => row.TokenTypeIds).ToList(), Encoder.Tokenizer.PadTokenId, ModelDevice);

    public override float[][] Forward(RemBertBatchInputs inputs, IReadOnlyList<EncodedSequence> rows) => SequenceTrainingTask.Logits(Model, inputs);

    /// <summary>
    /// ONNX: the text column(s) tokenized in the graph (or the ids inputs, see
    /// <see cref="RemBertOnnxExportOptions.TokenIdsInput"/>), RemBertForSequenceClassification's pooled output, the
    /// classifier (dropout is the identity at inference), then the head's columns.
    /// </summary>
    internal override void SaveAsOnnx(OnnxContext ctx, RemBertOnnxExportOptions options)
    {
        var (graph, writer) = TaskGraph.Start(ctx, Model, options, nameof(SequenceScoringTask));
        var inputs = RemBertOnnxTokenizerWriter.TextOrIds(graph, Encoder.Tokenizer, Encoder.Sentence1ColumnName, Encoder.Sentence2ColumnName,
            Encoder.MaxSequenceLength, options);
        var (_, pooled) = writer.Encode(inputs);
        Head.SaveAsOnnx(graph, writer.Linear(pooled!, "classifier"));
    }

    /// <summary>The sentence column(s), encoded as scoring encodes them (longest first to MaxSequenceLength), padded.</summary>
    internal override RemBertTokenizingTransformer CreateOnnxInputTokenizer(IHostEnvironment env) => new(env, Encoder.Tokenizer, new RemBertTokenizingOptions
    {
        InputColumnName = Encoder.Sentence1ColumnName,
        SecondInputColumnName = Encoder.Sentence2ColumnName,
        MaxSequenceLength = Encoder.MaxSequenceLength,
        Truncation = Microsoft.ML.RemBert.Tokenization.TruncationStrategy.LongestFirst,
    });

    /// <summary>
    /// Entries: <see cref="EntryName"/>, then the tokenizer (<see cref="RemBertTokenizerEntry"/>) and the model
    /// (<see cref="RemBertModelEntry"/>). <see cref="EntryName"/> body, version 1:
    /// <code>
    ///   string  Sentence1ColumnName
    ///   bool    has Sentence2ColumnName, then string Sentence2ColumnName when true
    ///   int32   MaxSequenceLength
    ///   int32   head kind (SequenceHeadKind: 1 multiclass, 2 binary, 3 regression)
    ///   head    the head's own fields (see each head's Save: output column names, label names)
    /// </code>
    /// </summary>
    public override void Save(ModelSaveContext ctx)
    {
        ctx.SaveEntry(EntryName, Version, writer =>
        {
            writer.Write(Encoder.Sentence1ColumnName);
            writer.Write(Encoder.Sentence2ColumnName is not null);
            if (Encoder.Sentence2ColumnName is not null)
                writer.Write(Encoder.Sentence2ColumnName);
            writer.Write(Encoder.MaxSequenceLength);
            writer.Write((int)Head.Kind);
            Head.Save(writer);
        });
        RemBertTokenizerEntry.Save(ctx, Encoder.Tokenizer);
        RemBertModelEntry.Save(ctx, Model);
    }

    /// <summary>Reads what <see cref="Save"/> wrote; a head of another kind than <paramref name="expected"/> is an error naming the entry.</summary>
    public static SequenceScoringTask Load(ModelLoadContext ctx, SequenceHeadKind expected)
    {
        string entryPath = ModelContextEntries.EntryPath(ctx, EntryName);
        var (sentence1, sentence2, maxLength, head) = ctx.LoadEntry(EntryName, Version, (reader, _) =>
        {
            string first = reader.ReadString();
            string? second = reader.ReadBoolean() ? reader.ReadString() : null;
            int length = reader.ReadInt32();
            var kind = (SequenceHeadKind)reader.ReadInt32();
            if (kind != expected)
                throw new RemBertModelFormatException(entryPath, $"holds a {kind} head where a {expected} head was expected.");
            if (length < 3)
                throw new RemBertModelFormatException(entryPath, $"MaxSequenceLength is {length}; it must be at least 3.");
            try
            {
                return (first, second, length, SequenceHead.Load(kind, reader));
            }
            catch (InvalidDataException ex)
            {
                throw new RemBertModelFormatException(entryPath, ex.Message, ex);
            }
        });
        var tokenizer = RemBertTokenizerEntry.Load(ctx);
        var model = RemBertModelEntry.Load(ctx);
        if (model is not RemBertForSequenceClassification classifier || classifier.Config.NumLabels != head.NumLabels)
        {
            model.Dispose();
            throw new RemBertModelFormatException(ModelContextEntries.EntryPath(ctx, RemBertModelEntry.EntryName),
                $"holds a {model.GetType().Name} with {model.Config.NumLabels} labels; a RemBertForSequenceClassification with {head.NumLabels} was expected.");
        }
        return new SequenceScoringTask(new SequenceEncoder(tokenizer, sentence1, sentence2, maxLength), classifier, head);
    }

    public override void Dispose() => Model.Dispose();
}
