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
/// Scores rows with a trained sentence-level model: encodes the text column(s) as in training (truncated, or as
/// windows whose logits are averaged per row), runs RemBertForSequenceClassification once per batch (through
/// <see cref="RemBertScoringTransformer"/>'s batching), and lets the head turn each row's logits into its output
/// columns. Saves the encoder settings, the head, the tokenizer and the model inside the zip.
/// </summary>
internal sealed class SequenceScoringTask : RemBertScoringTask<EncodedSequence[], float[]>
{
    /// <summary>Name of the task's entry in the transformer's directory.</summary>
    public const string EntryName = "RemBertSequenceTask.bin";

    // Version 1: the layout documented at Save, without the long-text fields (always truncated).
    // Version 2: adds the long-text strategy, stride and window cap after the head.
    private static readonly EntryFormatVersion Version = new(Current: 2, OldestReadable: 1);

    public SequenceScoringTask(SequenceEncoder encoder, RemBertForSequenceClassification model, SequenceProblem head)
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

    public SequenceProblem Head { get; }

    public override IReadOnlyList<ScoringInputColumn> InputColumns => Encoder.InputColumns;

    public override IReadOnlyList<ScoringOutputColumn<float[]>> Outputs => Head.Outputs;

    public override Func<EncodedSequence[]> CreateRowReader(DataViewRow input) => Encoder.CreateWindowsReader(input, "input data");

    /// <inheritdoc/>
    internal override int? SequenceLength(EncodedSequence[] row) => row.Max(window => window.InputIds.Length);

    public override RemBertBatchInputs Collate(IReadOnlyList<EncodedSequence[]> rows)
        => SequenceTrainingTask.Collate(rows, Encoder.Tokenizer.PadTokenId, ModelDevice);

    public override float[][] Forward(RemBertBatchInputs inputs, IReadOnlyList<EncodedSequence[]> rows)
        => SequenceTrainingTask.Logits(Model, inputs, SequenceTrainingTask.WindowCounts(rows));

    /// <summary>
    /// ONNX: the text column(s) tokenized in the graph (or the ids inputs, see
    /// <see cref="RemBertOnnxExportOptions.TokenIdsInput"/>), RemBertForSequenceClassification's pooled output, the
    /// classifier (dropout is the identity at inference), then the head's columns.
    /// </summary>
    internal override void SaveAsOnnx(OnnxContext ctx, RemBertOnnxExportOptions options)
    {
        RequireTruncation();
        var (graph, writer) = TaskGraph.Start(ctx, Model, options, nameof(SequenceScoringTask));
        var inputs = RemBertOnnxTokenizerWriter.TextOrIds(graph, Encoder.Tokenizer, Encoder.Sentence1ColumnName, Encoder.Sentence2ColumnName,
            Encoder.MaxSequenceLength, options);
        var (_, pooled) = writer.Encode(inputs);
        Head.SaveAsOnnx(graph, writer.Linear(pooled!, "classifier"));
    }

    /// <summary>The sentence column(s), encoded as scoring encodes them (longest first to MaxSequenceLength), padded.</summary>
    internal override RemBertTokenizingTransformer CreateOnnxInputTokenizer(IHostEnvironment env)
    {
        RequireTruncation();
        return new(env, Encoder.Tokenizer, new RemBertTokenizingOptions
        {
            InputColumnName = Encoder.Sentence1ColumnName,
            SecondInputColumnName = Encoder.Sentence2ColumnName,
            MaxSequenceLength = Encoder.MaxSequenceLength,
            Truncation = Microsoft.ML.RemBert.Tokenization.TruncationStrategy.LongestFirst,
        });
    }

    // The ONNX graph encodes one truncated input per row: a model that averages windows cannot be exported faithfully.
    private void RequireTruncation()
    {
        if (Encoder.Windowing is not null)
            throw new NotSupportedException(
                "ONNX export supports models trained with LongTextStrategy.Truncate only: this model scores long texts as windows " +
                "whose logits are averaged per row, which the exported graph (one truncated input per row) cannot do.");
    }

    /// <summary>
    /// Entries: <see cref="EntryName"/>, then the tokenizer (<see cref="RemBertTokenizerEntry"/>) and the model
    /// (<see cref="RemBertModelEntry"/>). <see cref="EntryName"/> body, version 2:
    /// <code>
    ///   string  Sentence1ColumnName
    ///   bool    has Sentence2ColumnName, then string Sentence2ColumnName when true
    ///   int32   MaxSequenceLength
    ///   int32   head kind (SequenceProblemKind: 1 multiclass, 2 binary, 3 regression)
    ///   head    the head's own fields (see each head's Save: output column names, label names)
    ///   int32   LongTextStrategy (0 Truncate, 1 Windows)                  (version 2; version 1: Truncate)
    ///   int32   Stride, int32 MaxWindows (0, 0 with Truncate)               (version 2)
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
            writer.Write((int)(Encoder.Windowing is null ? LongTextStrategy.Truncate : LongTextStrategy.Windows));
            writer.Write(Encoder.Windowing?.Stride ?? 0);
            writer.Write(Encoder.Windowing?.MaxWindows ?? 0);
        });
        RemBertTokenizerEntry.Save(ctx, Encoder.Tokenizer);
        RemBertModelEntry.Save(ctx, Model);
    }

    /// <summary>Reads what <see cref="Save"/> wrote; a head of another kind than <paramref name="expected"/> is an error naming the entry.</summary>
    public static SequenceScoringTask Load(ModelLoadContext ctx, SequenceProblemKind expected)
    {
        string entryPath = ModelContextEntries.EntryPath(ctx, EntryName);
        var (sentence1, sentence2, maxLength, head, windowing) = ctx.LoadEntry(EntryName, Version, (reader, version) =>
        {
            string first = reader.ReadString();
            string? second = reader.ReadBoolean() ? reader.ReadString() : null;
            int length = reader.ReadInt32();
            var kind = (SequenceProblemKind)reader.ReadInt32();
            if (kind != expected)
                throw new RemBertModelFormatException(entryPath, $"holds a {kind} head where a {expected} head was expected.");
            if (length < 3)
                throw new RemBertModelFormatException(entryPath, $"MaxSequenceLength is {length}; it must be at least 3.");
            SequenceProblem loaded;
            try
            {
                loaded = SequenceProblem.Load(kind, reader);
            }
            catch (InvalidDataException ex)
            {
                throw new RemBertModelFormatException(entryPath, ex.Message, ex);
            }
            return (first, second, length, loaded, version >= 2 ? ReadWindowing(reader, entryPath, length, second is not null) : null);
        });
        var tokenizer = RemBertTokenizerEntry.Load(ctx);
        var model = RemBertModelEntry.Load(ctx);
        if (model is not RemBertForSequenceClassification classifier || classifier.Config.NumLabels != head.NumLabels)
        {
            model.Dispose();
            throw new RemBertModelFormatException(ModelContextEntries.EntryPath(ctx, RemBertModelEntry.EntryName),
                $"holds a {model.GetType().Name} with {model.Config.NumLabels} labels; a RemBertForSequenceClassification with {head.NumLabels} was expected.");
        }
        return new SequenceScoringTask(new SequenceEncoder(tokenizer, sentence1, sentence2, maxLength, windowing), classifier, head);
    }

    // Version 2's long-text fields: null for Truncate; settings a trainer could not have made are a format error.
    private static SequenceWindowing? ReadWindowing(BinaryReader reader, string entryPath, int maxLength, bool hasPair)
    {
        var strategy = (LongTextStrategy)reader.ReadInt32();
        int stride = reader.ReadInt32(), maxWindows = reader.ReadInt32();
        if (strategy == LongTextStrategy.Truncate)
            return null;
        if (strategy != LongTextStrategy.Windows)
            throw new RemBertModelFormatException(entryPath, $"has LongTextStrategy {(int)strategy}; this build knows 0 (Truncate) and 1 (Windows).");
        try
        {
            SequenceWindowing.Validate(maxLength, stride, maxWindows, hasPair);
        }
        catch (ArgumentOutOfRangeException ex)
        {
            throw new RemBertModelFormatException(entryPath, ex.Message, ex);
        }
        return new SequenceWindowing(stride, maxWindows);
    }

    public override void Dispose() => Model.Dispose();
}
