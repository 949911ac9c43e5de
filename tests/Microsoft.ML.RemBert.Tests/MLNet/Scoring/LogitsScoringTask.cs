using System.Collections.Concurrent;
using Microsoft.ML.Data;
using Microsoft.ML.RemBert.MLNet.Persistence;
using Microsoft.ML.RemBert.MLNet.Scoring;
using Microsoft.ML.RemBert.MLNet.Tokenization;
using Microsoft.ML.RemBert.Modeling;
using Microsoft.ML.RemBert.Tokenization;
using static TorchSharp.torch;

namespace Microsoft.ML.RemBert.Tests.MLNet.Scoring;

/// <summary>
/// A test-only scoring task: tokenizes one text column and writes a sequence classifier's logits (with slot names)
/// and their maximum as a scalar <c>Score</c>. Records every batch it scores so tests can see the batching.
/// </summary>
internal sealed class LogitsScoringTask : RemBertScoringTask<LogitsScoringTask.Row, float[]>
{
    public const string LogitsColumnName = "Logits";
    public const string ScoreColumnName = "Score";

    private const string OptionsEntryName = "TestLogitsTask.bin";
    private static readonly EntryFormatVersion OptionsVersion = new(Current: 1, OldestReadable: 1);

    private readonly RemBertEncodeOptions _encodeOptions;

    public LogitsScoringTask(RemBertTokenizer tokenizer, RemBertForSequenceClassification model, string textColumn, int maxSequenceLength)
    {
        Tokenizer = tokenizer;
        Model = model;
        TextColumn = textColumn;
        MaxSequenceLength = maxSequenceLength;
        _encodeOptions = new RemBertEncodeOptions { MaxLength = maxSequenceLength, Truncation = TruncationStrategy.LongestFirst };
        int labels = model.Config.NumLabels;
        var slotNames = new DataViewSchema.Annotations.Builder();
        var names = model.Config.GetId2Label().OrderBy(pair => pair.Key).Select(pair => pair.Value.AsMemory()).ToArray();
        slotNames.AddSlotNames(labels, (ref VBuffer<ReadOnlyMemory<char>> value) => value = new VBuffer<ReadOnlyMemory<char>>(names.Length, names));
        Outputs =
        [
            ScoringOutputColumn<float[]>.Create(LogitsColumnName, new VectorDataViewType(NumberDataViewType.Single, labels),
                (float[] logits, ref VBuffer<float> value) =>
                {
                    var editor = VBufferEditor.Create(ref value, logits.Length);
                    logits.CopyTo(editor.Values);
                    value = editor.Commit();
                }, slotNames.ToAnnotations()),
            ScoringOutputColumn<float[]>.Create(ScoreColumnName, NumberDataViewType.Single, (float[] logits, ref float value) => value = logits.Max()),
        ];
    }

    /// <summary>One row's unpadded encoding.</summary>
    internal sealed record Row(int[] InputIds, int[] TokenTypeIds);

    public RemBertTokenizer Tokenizer { get; }

    public RemBertForSequenceClassification Model { get; }

    public string TextColumn { get; }

    public int MaxSequenceLength { get; }

    /// <summary>(rows, padded length) of every batch scored, in the order scored (thread-safe).</summary>
    public ConcurrentQueue<(int Rows, int Length)> Batches { get; } = new();

    public override IReadOnlyList<ScoringInputColumn> InputColumns => [ScoringInputColumn.Text(TextColumn)];

    public override IReadOnlyList<ScoringOutputColumn<float[]>> Outputs { get; }

    public RemBertEncoding Encode(string text) => Tokenizer.Encode(text, null, _encodeOptions);

    public override Func<Row> CreateRowReader(DataViewRow input)
    {
        var getter = input.GetGetter<ReadOnlyMemory<char>>(input.Schema[TextColumn]);
        return () =>
        {
            ReadOnlyMemory<char> text = default;
            getter(ref text);
            var encoding = Encode(text.ToString());
            return new Row(encoding.InputIds, encoding.TokenTypeIds);
        };
    }

    public override RemBertBatchInputs Collate(IReadOnlyList<Row> rows)
        => RemBertBatchInputs.Pad(rows.Select(row => row.InputIds).ToList(), rows.Select(row => row.TokenTypeIds).ToList(), Tokenizer.PadTokenId, CPU);

    public override float[][] Forward(RemBertBatchInputs inputs, IReadOnlyList<Row> rows)
    {
        Batches.Enqueue((rows.Count, (int)inputs.InputIds.shape[1]));
        var output = Model.forward(inputs.InputIds, inputs.AttentionMask, inputs.TokenTypeIds);
        float[] flat = output.Logits.data<float>().ToArray();
        int labels = Model.Config.NumLabels;
        return Enumerable.Range(0, rows.Count).Select(row => flat.AsSpan(row * labels, labels).ToArray()).ToArray();
    }

    // Entries: TestLogitsTask.bin (version 1: string TextColumn, int32 MaxSequenceLength), the tokenizer, the model.
    public override void Save(ModelSaveContext ctx)
    {
        ctx.SaveEntry(OptionsEntryName, OptionsVersion, writer =>
        {
            writer.Write(TextColumn);
            writer.Write(MaxSequenceLength);
        });
        RemBertTokenizerEntry.Save(ctx, Tokenizer);
        RemBertModelEntry.Save(ctx, Model);
    }

    public static LogitsScoringTask Load(ModelLoadContext ctx)
    {
        var (textColumn, maxSequenceLength) = ctx.LoadEntry(OptionsEntryName, OptionsVersion, (reader, _) => (reader.ReadString(), reader.ReadInt32()));
        var tokenizer = RemBertTokenizerEntry.Load(ctx);
        var model = (RemBertForSequenceClassification)RemBertModelEntry.Load(ctx);
        return new LogitsScoringTask(tokenizer, model, textColumn, maxSequenceLength);
    }

    public override void Dispose() => Model.Dispose();
}
