using Microsoft.ML.Data;
using Microsoft.ML.RemBert.MLNet.Scoring;
using Microsoft.ML.RemBert.MLNet.Trainers.QuestionAnswering;
using Microsoft.ML.RemBert.MLNet.Training;
using Microsoft.ML.Runtime;

namespace Microsoft.ML.RemBert.Trainers;

/// <summary>
/// Fine-tunes RemBERT for extractive question answering (<c>mlContext.MulticlassClassification.Trainers.RemBertQuestionAnswer</c>):
/// transformers' RemBertForQuestionAnswering trained as its run_qa example does, on <c>[CLS] question [SEP] context-window [SEP]</c>
/// windows of a long context; questions without an answer learn [CLS]. <c>Fit</c> checks every answer against its
/// context (naming the row and columns) before loading the model, then trains with the shared training loop and
/// returns a transformer that answers in batches and saves into an ML.NET zip.
/// </summary>
public sealed class RemBertQuestionAnsweringTrainer : RemBertTrainerBase<RemBertQuestionAnsweringTransformer>
{
    private readonly RemBertQuestionAnsweringOptions _options;

    internal RemBertQuestionAnsweringTrainer(IHostEnvironment env, RemBertQuestionAnsweringOptions options)
        : base(env, options, nameof(RemBertQuestionAnsweringTrainer)) => _options = options;

    /// <summary>The input columns plus Answer (vector of text), Score (vector of Single) and AnswerStart (vector of Int32); throws naming a missing or mistyped input column.</summary>
    public override SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        Host.CheckValue(inputSchema, nameof(inputSchema));
        CheckInputColumn(inputSchema, _options.ContextColumnName, nameof(RemBertQuestionAnsweringOptions.ContextColumnName), TextDataViewType.Instance);
        CheckInputColumn(inputSchema, _options.QuestionColumnName, nameof(RemBertQuestionAnsweringOptions.QuestionColumnName), TextDataViewType.Instance);
        CheckInputColumn(inputSchema, _options.TrainingAnswerColumnName, nameof(RemBertQuestionAnsweringOptions.TrainingAnswerColumnName), TextDataViewType.Instance);
        CheckInputColumn(inputSchema, _options.AnswerIndexColumnName, nameof(RemBertQuestionAnsweringOptions.AnswerIndexColumnName), NumberDataViewType.Int32);
        SchemaShape.Column Vector(string name, DataViewType itemType) => new(name, SchemaShape.Column.VectorKind.VariableVector, itemType, isKey: false);
        return ScoringSchema.Append(inputSchema,
        [
            Vector(_options.PredictedAnswerColumnName, TextDataViewType.Instance),
            Vector(_options.ScoreColumnName, NumberDataViewType.Single),
            Vector(_options.AnswerStartColumnName, NumberDataViewType.Int32),
        ]);
    }

    private protected override TaskFit<RemBertQuestionAnsweringTransformer> CreateFit(TrainingRun run, DataViewSchema trainingSchema)
    {
        var encoder = new QuestionAnsweringEncoder(run.Tokenizer, _options.ContextColumnName, _options.QuestionColumnName,
            _options.MaxSequenceLength, _options.EffectiveDocumentStride);
        return new QuestionAnsweringFit(_options, encoder, new AnswerSpanSelector(_options.TopK, _options.MaxAnswerLength), Host);
    }
}
