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

namespace Microsoft.ML.RemBert.MLNet.Trainers.MultipleChoice;

/// <summary>
/// Scores rows with a trained multiple-choice model: encodes each row's choices as in training, runs
/// RemBertForMultipleChoice once per batch of rows (<c>[rows, choices, length]</c>, through
/// <see cref="RemBertScoringTransformer"/>'s batching), and fills PredictedLabel and Score from each row's
/// probabilities. Saves the encoder settings, the classes, the tokenizer and the model inside the zip.
/// </summary>
internal sealed class MultipleChoiceScoringTask : RemBertScoringTask<EncodedSequence[], float[]>
{
    /// <summary>Name of the task's entry in the transformer's directory.</summary>
    public const string EntryName = "RemBertMultipleChoiceTask.bin";

    // Version 1: the layout documented at Save.
    private static readonly EntryFormatVersion Version = new(Current: 1, OldestReadable: 1);

    public MultipleChoiceScoringTask(MultipleChoiceEncoder encoder, RemBertForMultipleChoice model, ChoiceClasses classes)
    {
        Encoder = encoder;
        Model = model;
        Classes = classes;
    }

    public MultipleChoiceEncoder Encoder { get; }

    public RemBertForMultipleChoice Model { get; }

    internal override RemBertPreTrainedModel ScoredModel => Model;

    public ChoiceClasses Classes { get; }

    public override IReadOnlyList<ScoringInputColumn> InputColumns => Encoder.InputColumns;

    public override IReadOnlyList<ScoringOutputColumn<float[]>> Outputs => Classes.Outputs;

    public override Func<EncodedSequence[]> CreateRowReader(DataViewRow input)
        => Encoder.CreateReader(input, "input data", Classes.ChoiceCount, "the model");

    public override RemBertBatchInputs Collate(IReadOnlyList<EncodedSequence[]> rows)
        => MultipleChoiceBatch.Collate(rows, Encoder.Tokenizer.PadTokenId, ModelDevice);

    public override float[][] Forward(RemBertBatchInputs inputs, IReadOnlyList<EncodedSequence[]> rows)
        => MultipleChoiceBatch.Probabilities(Model, inputs);

    /// <summary>
    /// ONNX: every choice is one sequence of the batch, so the graph reads InputIds, AttentionMask and TokenTypeIds as
    /// <c>[rows × choices, seq]</c> (a row's choices consecutive, as <see cref="EncodeForOnnx"/> writes them); the pooled
    /// output and the classifier give one logit per sequence, reshaped to <c>[rows, choices]</c>, and the classes write
    /// Score and PredictedLabel from its softmax, as the zip does.
    /// </summary>
    internal override void SaveAsOnnx(OnnxContext ctx, RemBertOnnxExportOptions options)
    {
        var (graph, writer) = TaskGraph.Start(ctx, Model, options, nameof(MultipleChoiceScoringTask));
        var (_, pooled) = writer.Encode(OnnxModelInputs.Declare(ctx));
        var logits = graph.Reshape(writer.Linear(pooled!, "classifier"), -1, Classes.ChoiceCount);
        Classes.SaveAsOnnx(graph, graph.Softmax(logits));
    }

    /// <summary>The tokenizer transform encodes one text or one pair per row; a row here is a prompt and a vector of choices.</summary>
    internal override RemBertTokenizingTransformer CreateOnnxInputTokenizer(IHostEnvironment env)
        => throw new NotSupportedException("A multiple-choice row is a prompt and a vector of choices, which the tokenizer transform (one text or one pair " +
            "per row) cannot encode: encode rows for the ONNX graph with RemBertMultipleChoiceTransformer.EncodeForOnnx.");

    /// <summary>The rows of <paramref name="data"/> as the graph's <c>[rows × choices, seq]</c> inputs.</summary>
    public RemBertOnnxBatch EncodeForOnnx(IDataView data, IExceptionContext ectx)
    {
        var rows = OnnxBatchEncoder.ReadRows(this, data, ectx);
        return new RemBertOnnxBatch(rows.Count, OnnxBatchEncoder.Ids(this, rows));
    }

    /// <summary>
    /// Entries: <see cref="EntryName"/>, then the tokenizer (<see cref="RemBertTokenizerEntry"/>) and the model
    /// (<see cref="RemBertModelEntry"/>, a RemBertForMultipleChoice). <see cref="EntryName"/> body, version 1:
    /// <code>
    ///   string  PromptColumnName
    ///   string  ChoicesColumnName
    ///   int32   MaxSequenceLength
    ///   string  PredictedLabelColumnName
    ///   string  ScoreColumnName
    ///   int32   choice count n (at least 2)
    ///   n × int32  the choice index of class k - 1 (key k), a permutation of 0..n-1
    /// </code>
    /// </summary>
    public override void Save(ModelSaveContext ctx)
    {
        ctx.SaveEntry(EntryName, Version, writer =>
        {
            writer.Write(Encoder.PromptColumnName);
            writer.Write(Encoder.ChoicesColumnName);
            writer.Write(Encoder.MaxSequenceLength);
            Classes.Save(writer);
        });
        RemBertTokenizerEntry.Save(ctx, Encoder.Tokenizer);
        RemBertModelEntry.Save(ctx, Model);
    }

    /// <summary>Reads what <see cref="Save"/> wrote; errors name the entry at fault.</summary>
    public static MultipleChoiceScoringTask Load(ModelLoadContext ctx)
    {
        string entryPath = ModelContextEntries.EntryPath(ctx, EntryName);
        var (prompt, choices, maxLength, classes) = ctx.LoadEntry(EntryName, Version, (reader, _) =>
        {
            string promptColumn = reader.ReadString();
            string choicesColumn = reader.ReadString();
            int length = reader.ReadInt32();
            if (length < 3)
                throw new RemBertModelFormatException(entryPath, $"MaxSequenceLength is {length}; it must be at least 3.");
            try
            {
                return (promptColumn, choicesColumn, length, ChoiceClasses.Load(reader));
            }
            catch (InvalidDataException ex)
            {
                throw new RemBertModelFormatException(entryPath, ex.Message, ex);
            }
        });
        var tokenizer = RemBertTokenizerEntry.Load(ctx);
        var model = RemBertModelEntry.Load(ctx);
        if (model is not RemBertForMultipleChoice multipleChoice)
        {
            model.Dispose();
            throw new RemBertModelFormatException(ModelContextEntries.EntryPath(ctx, RemBertModelEntry.EntryName),
                $"holds a {model.GetType().Name}; a RemBertForMultipleChoice was expected.");
        }
        return new MultipleChoiceScoringTask(new MultipleChoiceEncoder(tokenizer, prompt, choices, maxLength), multipleChoice, classes);
    }

    public override void Dispose() => Model.Dispose();
}
