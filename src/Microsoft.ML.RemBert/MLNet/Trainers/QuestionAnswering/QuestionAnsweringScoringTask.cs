using Microsoft.ML.Data;
using Microsoft.ML.RemBert.MLNet.Persistence;
using Microsoft.ML.RemBert.MLNet.Scoring;
using Microsoft.ML.RemBert.MLNet.Tokenization;
using Microsoft.ML.RemBert.Modeling;
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

    private readonly Device _device;

    public QuestionAnsweringScoringTask(QuestionAnsweringEncoder encoder, AnswerSpanSelector selector, RemBertForQuestionAnswering model, AnswerColumnNames columns)
    {
        Encoder = encoder;
        Selector = selector;
        Model = model;
        Columns = columns;
        _device = model.parameters().First().device;
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
        => QuestionAnsweringTrainingTask.Collate(rows.SelectMany(row => row.Windows).ToList(), Encoder.Tokenizer.PadTokenId, _device);

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
