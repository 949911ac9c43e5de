using Microsoft.ML.Data;
using Microsoft.ML.RemBert.MLNet.Scoring;
using Microsoft.ML.RemBert.MLNet.Trainers;
using Microsoft.ML.RemBert.MLNet.Trainers.QuestionAnswering;
using Microsoft.ML.RemBert.MLNet.Training;
using Microsoft.ML.RemBert.Modeling;
using Microsoft.ML.Runtime;

namespace Microsoft.ML.RemBert.Trainers;

/// <summary>
/// Fine-tunes RemBERT for extractive question answering (<c>mlContext.MulticlassClassification.Trainers.RemBertQuestionAnswer</c>):
/// transformers' RemBertForQuestionAnswering trained as its run_qa example does, on <c>[CLS] question [SEP] context-window [SEP]</c>
/// windows of a long context; questions without an answer learn [CLS]. <c>Fit</c> checks every answer against its
/// context (naming the row and columns) before loading the model, then trains with the shared training loop and
/// returns a transformer that answers in batches and saves into an ML.NET zip.
/// </summary>
public sealed class RemBertQuestionAnsweringTrainer : IEstimator<RemBertQuestionAnsweringTransformer>
{
    private const string TrainingDataName = "training data";
    private const string ValidationDataName = "validation set";

    private readonly IHost _host;
    private readonly RemBertQuestionAnsweringOptions _options;

    internal RemBertQuestionAnsweringTrainer(IHostEnvironment env, RemBertQuestionAnsweringOptions options)
    {
        _host = Contracts.CheckRef(env, nameof(env)).Register(nameof(RemBertQuestionAnsweringTrainer));
        _host.CheckValue(options, nameof(options));
        _options = options;
    }

    /// <summary>Trains on <paramref name="input"/> and returns the trained transformer (which owns the model's native memory).</summary>
    /// <exception cref="ArgumentException">An option is invalid, or a column is missing or of the wrong type (the message names it).</exception>
    /// <exception cref="InvalidOperationException">A row cannot be used (empty context, answer not at its start); the message names the row and columns.</exception>
    /// <exception cref="OperationCanceledException">The options' CancellationToken was cancelled.</exception>
    public RemBertQuestionAnsweringTransformer Fit(IDataView input)
    {
        _host.CheckValue(input, nameof(input));
        using var run = TrainingRun.Start(_host, _options);
        var encoder = new QuestionAnsweringEncoder(run.Tokenizer, _options.ContextColumnName, _options.QuestionColumnName,
            _options.MaxSequenceLength, _options.EffectiveDocumentStride);
        var selector = new AnswerSpanSelector(_options.TopK, _options.MaxAnswerLength);
        var ct = _options.CancellationToken;
        var training = Read(input, encoder, TrainingDataName, ct);
        (List<TrainingQuestion> Questions, List<QuestionAnsweringExample> Examples)? validation =
            _options.ValidationSet is { } validationSet ? Read(validationSet, encoder, ValidationDataName, ct) : null;
        run.Channel.Info($"{training.Questions.Count} training questions in {training.Examples.Count} windows" +
            (validation is null ? "" : $", {validation.Value.Questions.Count} validation questions") + $", seed {run.Settings.Seed}, device {run.Settings.Device}.");

        var model = run.LoadModel<RemBertForQuestionAnswering>(config => config);
        try
        {
            run.Train(new QuestionAnsweringTrainingTask(selector, run.Tokenizer.PadTokenId), model, training.Examples, validation?.Examples);
            var columns = new AnswerColumnNames(_options.PredictedAnswerColumnName, _options.ScoreColumnName, _options.AnswerStartColumnName);
            return new RemBertQuestionAnsweringTransformer(_host, new QuestionAnsweringScoringTask(encoder, selector, model, columns), _options.InferenceBatchSize);
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>The input columns plus Answer (vector of text), Score (vector of Single) and AnswerStart (vector of Int32); throws naming a missing or mistyped input column.</summary>
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        _host.CheckValue(inputSchema, nameof(inputSchema));
        CheckColumn(inputSchema, _options.ContextColumnName, nameof(RemBertQuestionAnsweringOptions.ContextColumnName), TextDataViewType.Instance);
        CheckColumn(inputSchema, _options.QuestionColumnName, nameof(RemBertQuestionAnsweringOptions.QuestionColumnName), TextDataViewType.Instance);
        CheckColumn(inputSchema, _options.TrainingAnswerColumnName, nameof(RemBertQuestionAnsweringOptions.TrainingAnswerColumnName), TextDataViewType.Instance);
        CheckColumn(inputSchema, _options.AnswerIndexColumnName, nameof(RemBertQuestionAnsweringOptions.AnswerIndexColumnName), NumberDataViewType.Int32);
        SchemaShape.Column Vector(string name, DataViewType itemType) => new(name, SchemaShape.Column.VectorKind.VariableVector, itemType, isKey: false);
        return ScoringSchema.Append(inputSchema,
        [
            Vector(_options.PredictedAnswerColumnName, TextDataViewType.Instance),
            Vector(_options.ScoreColumnName, NumberDataViewType.Single),
            Vector(_options.AnswerStartColumnName, NumberDataViewType.Int32),
        ]);
    }

    private (List<TrainingQuestion> Questions, List<QuestionAnsweringExample> Examples) Read(IDataView data, QuestionAnsweringEncoder encoder,
        string dataName, CancellationToken cancellationToken)
        => QuestionAnsweringData.ReadAll(data, encoder, _options.TrainingAnswerColumnName, _options.AnswerIndexColumnName, dataName, cancellationToken);

    private void CheckColumn(SchemaShape schema, string name, string option, DataViewType type)
    {
        if (!schema.TryFindColumn(name, out var column))
            throw _host.ExceptSchemaMismatch(nameof(schema), option, name);
        if (column.Kind != SchemaShape.Column.VectorKind.Scalar || !column.ItemType.Equals(type))
            throw _host.ExceptSchemaMismatch(nameof(schema), option, name, type.ToString(), column.GetTypeString());
    }
}
