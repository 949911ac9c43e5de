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

namespace Microsoft.ML.RemBert.MLNet.Trainers.QuestionAnswering;

/// <summary>
/// Answers questions with a trained RemBertForQuestionAnswering: encodes each row into its context windows as in
/// training, runs every window of every row of a batch in one forward pass (through
/// <see cref="RemBertScoringTransformer"/>'s batching), and picks each row's answers over all its windows. Saves the
/// encoder and selector settings, the output column names, the tokenizer and the model inside the zip.
/// </summary>
internal sealed class QuestionAnsweringScoringTask : RemBertScoringTask<QuestionWindows, AnswerCandidates>
{
    /// <summary>Name of the task's entry in the transformer's directory.</summary>
    public const string EntryName = "RemBertQuestionAnsweringTask.bin";

    // Version 1: the layout documented at Save.
    private static readonly EntryFormatVersion Version = new(Current: 1, OldestReadable: 1);

    private static readonly VectorDataViewType TextVector = new(TextDataViewType.Instance);

    public QuestionAnsweringScoringTask(QuestionAnsweringEncoder encoder, AnswerSpanSelector selector, RemBertForQuestionAnswering model, AnswerColumnNames columns)
    {
        Encoder = encoder;
        Selector = selector;
        Model = model;
        Columns = columns;
        Outputs =
        [
            ScoringOutputColumn<AnswerCandidates>.Create(columns.Answer, TextVector,
                (AnswerCandidates result, ref VBuffer<ReadOnlyMemory<char>> value) => Fill(result.Texts.Select(text => text.AsMemory()).ToArray(), ref value)),
            ScoringOutputColumn<AnswerCandidates>.Create(columns.Score, new VectorDataViewType(NumberDataViewType.Single),
                (AnswerCandidates result, ref VBuffer<float> value) => Fill(result.Scores, ref value)),
            ScoringOutputColumn<AnswerCandidates>.Create(columns.Start, new VectorDataViewType(NumberDataViewType.Int32),
                (AnswerCandidates result, ref VBuffer<int> value) => Fill(result.Starts, ref value)),
        ];
    }

    public QuestionAnsweringEncoder Encoder { get; }

    public AnswerSpanSelector Selector { get; }

    public RemBertForQuestionAnswering Model { get; }

    internal override RemBertPreTrainedModel ScoredModel => Model;

    public AnswerColumnNames Columns { get; }

    public override IReadOnlyList<ScoringInputColumn> InputColumns => Encoder.InputColumns;

    public override IReadOnlyList<ScoringOutputColumn<AnswerCandidates>> Outputs { get; }

    public override Func<QuestionWindows> CreateRowReader(DataViewRow input) => Encoder.CreateReader(input, "input data");

    // Every window of every row in one batch: a long document costs one forward pass, not one per window.
    public override RemBertBatchInputs Collate(IReadOnlyList<QuestionWindows> rows)
        => QuestionAnsweringTrainingTask.Collate(rows.SelectMany(row => row.Windows).ToList(), Encoder.Tokenizer.PadTokenId, ModelDevice);

    public override AnswerCandidates[] Forward(RemBertBatchInputs inputs, IReadOnlyList<QuestionWindows> rows)
    {
        var (starts, ends) = QuestionAnsweringTrainingTask.Logits(Model, inputs);
        var results = new AnswerCandidates[rows.Count];
        int first = 0;
        for (int i = 0; i < rows.Count; i++)
        {
            int count = rows[i].Windows.Count;
            results[i] = Selector.Select(rows[i], starts[first..(first + count)], ends[first..(first + count)]);
            first += count;
        }
        return results;
    }

    /// <summary>Name of the span-logits export's start logits column (graph output <c>StartLogits.output</c>).</summary>
    public const string StartLogitsColumnName = "StartLogits";

    /// <summary>Name of the span-logits export's end logits column (graph output <c>EndLogits.output</c>).</summary>
    public const string EndLogitsColumnName = "EndLogits";

    /// <summary>The span-logits export's columns: float vectors, <c>[windows, seq]</c> in the graph.</summary>
    public static IReadOnlyList<(string Name, DataViewType Type)> SpanLogitsColumns { get; } =
        [(StartLogitsColumnName, new VectorDataViewType(NumberDataViewType.Single)), (EndLogitsColumnName, new VectorDataViewType(NumberDataViewType.Single))];

    /// <summary>
    /// Why the zip's columns have no ONNX graph: the answers are substrings of the context, chosen among the top start
    /// and end tokens of every window of a row and merged across windows, which ONNX operators (opset 10 to 12) cannot
    /// express; the graph stops at the span logits (<see cref="SaveSpanLogitsAsOnnx"/>).
    /// </summary>
    internal string WhyNoAnswerColumnsInOnnx => $"ONNX export of {nameof(Microsoft.ML.RemBert.Trainers.RemBertQuestionAnsweringTransformer)}: its columns {Columns.Answer}, {Columns.Score} " +
        $"and {Columns.Start} are substrings of the context chosen over the top start and end tokens of every window of a row, which ONNX " +
        "operators cannot express. Export the span logits instead: mlContext.Model.ConvertToOnnx(model.ForOnnxSpanLogitsExport(), data, stream) " +
        "writes StartLogits and EndLogits per window, and model.EncodeForOnnx(data).Answers(start, end) turns them into these columns.";

    /// <inheritdoc/>
    internal override void SaveAsOnnx(OnnxContext ctx, RemBertOnnxExportOptions options) => throw new NotSupportedException(WhyNoAnswerColumnsInOnnx);

    /// <summary>
    /// ONNX span logits: the windows are the graph's sequences (InputIds, AttentionMask, TokenTypeIds
    /// <c>[windows, seq]</c>), qa_outputs gives StartLogits and EndLogits <c>[windows, seq]</c>, exactly the logits the
    /// zip's span selection reads.
    /// </summary>
    internal void SaveSpanLogitsAsOnnx(OnnxContext ctx, RemBertOnnxExportOptions options)
    {
        var (graph, writer) = TaskGraph.Start(ctx, Model, options, nameof(QuestionAnsweringScoringTask));
        var (sequence, _) = writer.Encode(OnnxModelInputs.Declare(ctx));
        var logits = writer.Linear(sequence, "qa_outputs");
        graph.Column(StartLogitsColumnName, SpanLogitsColumns[0].Type, graph.Gather(logits, graph.LongScalar(0), axis: 2));
        graph.Column(EndLogitsColumnName, SpanLogitsColumns[1].Type, graph.Gather(logits, graph.LongScalar(1), axis: 2));
    }

    /// <summary>The tokenizer transform encodes one sequence per row; a row here is a question over several context windows.</summary>
    internal override RemBertTokenizingTransformer CreateOnnxInputTokenizer(IHostEnvironment env)
        => throw new NotSupportedException("A question-answering row is a question over one or more context windows, which the tokenizer transform " +
            "(one sequence per row) cannot encode: encode rows for the ONNX graph with RemBertQuestionAnsweringTransformer.EncodeForOnnx.");

    /// <summary>The rows of <paramref name="data"/> as the graph's <c>[windows, seq]</c> inputs, with what selecting their answers needs.</summary>
    public QuestionAnsweringOnnxBatch EncodeForOnnx(IDataView data, IExceptionContext ectx)
    {
        var rows = OnnxBatchEncoder.ReadRows(this, data, ectx);
        return new QuestionAnsweringOnnxBatch(rows, Selector, OnnxBatchEncoder.Ids(this, rows));
    }

    /// <summary>
    /// Entries: <see cref="EntryName"/>, then the tokenizer (<see cref="RemBertTokenizerEntry"/>) and the model
    /// (<see cref="RemBertModelEntry"/>). <see cref="EntryName"/> body, version 1:
    /// <code>
    ///   string  ContextColumnName
    ///   string  QuestionColumnName
    ///   int32   MaxSequenceLength
    ///   int32   DocumentStride (the effective one, in tokens)
    ///   int32   TopK
    ///   int32   MaxAnswerLength
    ///   string  PredictedAnswerColumnName
    ///   string  ScoreColumnName
    ///   string  AnswerStartColumnName
    /// </code>
    /// </summary>
    public override void Save(ModelSaveContext ctx)
    {
        ctx.SaveEntry(EntryName, Version, writer =>
        {
            writer.Write(Encoder.ContextColumnName);
            writer.Write(Encoder.QuestionColumnName);
            writer.Write(Encoder.MaxSequenceLength);
            writer.Write(Encoder.DocumentStride);
            writer.Write(Selector.TopK);
            writer.Write(Selector.MaxAnswerLength);
            writer.Write(Columns.Answer);
            writer.Write(Columns.Score);
            writer.Write(Columns.Start);
        });
        RemBertTokenizerEntry.Save(ctx, Encoder.Tokenizer);
        RemBertModelEntry.Save(ctx, Model);
    }

    /// <summary>Reads what <see cref="Save"/> wrote; values no trainer could have written are errors naming the entry.</summary>
    public static QuestionAnsweringScoringTask Load(ModelLoadContext ctx)
    {
        string entryPath = ModelContextEntries.EntryPath(ctx, EntryName);
        var (context, question, maxLength, stride, topK, maxAnswerLength, columns) = ctx.LoadEntry(EntryName, Version, (reader, _) =>
        {
            string contextColumn = reader.ReadString(), questionColumn = reader.ReadString();
            int length = reader.ReadInt32(), documentStride = reader.ReadInt32(), k = reader.ReadInt32(), answerLength = reader.ReadInt32();
            var names = new AnswerColumnNames(reader.ReadString(), reader.ReadString(), reader.ReadString());
            if (length < 3)
                throw new RemBertModelFormatException(entryPath, $"MaxSequenceLength is {length}; it must be at least 3.");
            if (documentStride < 0 || documentStride >= length)
                throw new RemBertModelFormatException(entryPath, $"DocumentStride is {documentStride}; it must be between 0 and MaxSequenceLength {length}.");
            if (k < 1 || answerLength < 1)
                throw new RemBertModelFormatException(entryPath, $"TopK is {k} and MaxAnswerLength {answerLength}; both must be at least 1.");
            return (contextColumn, questionColumn, length, documentStride, k, answerLength, names);
        });
        var tokenizer = RemBertTokenizerEntry.Load(ctx);
        var model = RemBertModelEntry.Load(ctx);
        if (model is not RemBertForQuestionAnswering answering)
        {
            model.Dispose();
            throw new RemBertModelFormatException(ModelContextEntries.EntryPath(ctx, RemBertModelEntry.EntryName),
                $"holds a {model.GetType().Name}; a RemBertForQuestionAnswering was expected.");
        }
        return new QuestionAnsweringScoringTask(new QuestionAnsweringEncoder(tokenizer, context, question, maxLength, stride),
            new AnswerSpanSelector(topK, maxAnswerLength), answering, columns);
    }

    public override void Dispose() => Model.Dispose();

    private static void Fill<T>(T[] values, ref VBuffer<T> buffer)
    {
        var editor = VBufferEditor.Create(ref buffer, values.Length);
        values.CopyTo(editor.Values);
        buffer = editor.Commit();
    }
}

/// <summary>The names of the three output columns: answers, their scores, their character starts.</summary>
internal sealed record AnswerColumnNames(string Answer, string Score, string Start);
