using Microsoft.ML;
using Microsoft.ML.RemBert.MLNet.Scoring;
using Microsoft.ML.RemBert.MLNet.Trainers.QuestionAnswering;
using Microsoft.ML.RemBert.Modeling;
using Microsoft.ML.RemBert.Onnx;
using Microsoft.ML.RemBert.Trainers;
using Microsoft.ML.Runtime;

[assembly: LoadableClass(typeof(RemBertQuestionAnsweringTransformer), null, typeof(SignatureLoadModel), "RemBERT Question Answering", RemBertQuestionAnsweringTransformer.LoaderSignature)]

namespace Microsoft.ML.RemBert.Trainers;

/// <summary>
/// A RemBERT model fine-tuned for extractive question answering: reads the context and question columns and adds
/// the top-K answers (a vector of text, best first; an empty string when the context does not answer), their
/// probabilities and their character starts in the original context (-1 for no answer). A long context is covered
/// by overlapping windows, all windows of a batch of rows running in one forward pass of at most
/// <see cref="RemBertScoringTransformer.InferenceBatchSize"/> rows. Saved by <c>mlContext.Model.Save</c> with its
/// settings, tokenizer and weights, loaded back by <c>mlContext.Model.Load</c>. Safe to use from several threads at once.
/// </summary>
public sealed class RemBertQuestionAnsweringTransformer : RemBertScoringTransformer<RemBertForQuestionAnswering>
{
    internal const string LoaderSignature = "RemBertQuestionAnsXf";

    private static readonly VersionInfo Version = CreateVersionInfo("RBQANSWR", LoaderSignature, typeof(RemBertQuestionAnsweringTransformer));

    internal RemBertQuestionAnsweringTransformer(IHostEnvironment env, QuestionAnsweringScoringTask task, int inferenceBatchSize)
        : base(env, nameof(RemBertQuestionAnsweringTransformer), task, inferenceBatchSize, Version)
    {
    }

    /// <summary>Answers output per row.</summary>
    public int TopK => Task.Selector.TopK;

    /// <summary>The longest answer predicted, in tokens.</summary>
    public int MaxAnswerLength => Task.Selector.MaxAnswerLength;

    /// <summary>Tokens shared by consecutive windows over a long context.</summary>
    public int DocumentStride => Task.Encoder.DocumentStride;

    /// <summary>
    /// What to give <c>mlContext.Model.ConvertToOnnx</c> for this model: the answer columns need post-processing
    /// ONNX operators cannot express (the default export fails saying so), so the graph stops at the span logits, outputs
    /// <c>StartLogits.output</c> and <c>EndLogits.output</c> (<c>[windows, seq]</c>) over the inputs of
    /// <see cref="EncodeForOnnx"/>, whose <see cref="QuestionAnsweringOnnxBatch.Answers"/> gives this transformer's columns.
    /// The result only exports (its views cannot be read); it shares this transformer's model (dispose this one).
    /// </summary>
    /// <param name="options">Export options (e.g. int8 weights); null: the defaults.</param>
    public ITransformer ForOnnxSpanLogitsExport(RemBertOnnxExportOptions? options = null)
    {
        var task = Task;
        var exportOptions = options ?? new RemBertOnnxExportOptions();
        return new OnnxExportOnlyTransformer(this, QuestionAnsweringScoringTask.SpanLogitsColumns, ctx => OnnxExternalData.Save(exportOptions, options => task.SaveSpanLogitsAsOnnx(ctx, options)),
            "This view of question-answering span logits exists for mlContext.Model.ConvertToOnnx only: its rows are context windows, not the data's rows. " +
            "Score rows with the RemBertQuestionAnsweringTransformer itself.");
    }

    /// <summary>
    /// The rows of <paramref name="data"/> (its context and question columns) encoded for the span-logits export
    /// (<see cref="ForOnnxSpanLogitsExport"/>): every context window of every row as one sequence, windows as the zip
    /// makes them; <see cref="QuestionAnsweringOnnxBatch.Answers"/> maps the graph's logits back to answers.
    /// </summary>
    public QuestionAnsweringOnnxBatch EncodeForOnnx(IDataView data) => Task.EncodeForOnnx(data, Host);

    private QuestionAnsweringScoringTask Task => (QuestionAnsweringScoringTask)ScoringTask;

    private static RemBertQuestionAnsweringTransformer Create(IHostEnvironment env, ModelLoadContext ctx)
        => Load(env, ctx, Version, QuestionAnsweringScoringTask.Load, (task, batchSize) => new RemBertQuestionAnsweringTransformer(env, task, batchSize));
}
