using Microsoft.ML.Data;
using Microsoft.ML.RemBert.Checkpoints;
using Microsoft.ML.RemBert.MLNet.Apply;
using Microsoft.ML.RemBert.MLNet.Scoring;
using Microsoft.ML.RemBert.MLNet.Trainers;
using Microsoft.ML.RemBert.MLNet.Trainers.MultipleChoice;
using Microsoft.ML.RemBert.MLNet.Trainers.NamedEntities;
using Microsoft.ML.RemBert.MLNet.Trainers.QuestionAnswering;
using Microsoft.ML.RemBert.Modeling;
using Microsoft.ML.RemBert.Runtime;
using Microsoft.ML.RemBert.Tokenization;
using Microsoft.ML.Runtime;
using TorchSharp;

namespace Microsoft.ML.RemBert.Trainers;

/// <summary>
/// <c>mlContext.Transforms.ApplyRemBertModel</c>: applies a checkpoint fine-tuned elsewhere (e.g. by transformers in
/// Python) to data, training nothing. <c>Fit</c> reads config.json to find the task, loads the tokenizer and the weights
/// (refusing a checkpoint whose head weights are missing) and returns the transformer the matching trainer returns
/// (<see cref="RemBertTextClassificationTransformer"/>, <see cref="RemBertBinaryClassificationTransformer"/>,
/// <see cref="RemBertRegressionTransformer"/>, <see cref="RemBertMultiLabelTransformer"/>, <see cref="RemBertNamedEntityRecognitionTransformer"/>,
/// <see cref="RemBertQuestionAnsweringTransformer"/> or <see cref="RemBertMultipleChoiceTransformer"/>), so it scores in
/// batches, saves into an ML.NET zip, serves a PredictionEngine and exports to ONNX exactly as a trained one. Class names
/// are config.json's <c>id2label</c>, as key values: <c>MapKeyToValue</c> on the predicted label gives them.
/// </summary>
/// <remarks>Each <c>Fit</c> loads its own copy of the weights, owned by the transformer it returns (dispose it). The estimator keeps no state: thread-safe.</remarks>
public sealed class RemBertApplyEstimator : IEstimator<RemBertScoringTransformer>
{
    private const string DataName = "input data";

    private readonly IHost _host;
    private readonly RemBertApplyOptions _options;

    internal RemBertApplyEstimator(IHostEnvironment env, RemBertApplyOptions options)
    {
        _host = Contracts.CheckRef(env, nameof(env)).Register(nameof(RemBertApplyEstimator));
        _host.CheckValue(options, nameof(options));
        _options = options;
    }

    /// <summary>Loads the checkpoint and returns its transformer (which owns the model's native memory).</summary>
    /// <exception cref="ArgumentException">An option is invalid, an input column is missing or of another type, the checkpoint has no trained head, or its task contradicts <see cref="RemBertApplyOptions.Task"/>; the message names it.</exception>
    public RemBertScoringTransformer Fit(IDataView input)
    {
        _host.CheckValue(input, nameof(input));
        _options.Validate();
        using var channel = _host.Start("ApplyRemBertModel");
        var checkpoint = FineTunedCheckpoint.Open(_options, channel);
        _options.Validate(checkpoint.Task);
        AppliedTaskColumns.Check(AppliedTaskColumns.Inputs(checkpoint.Task, _options), input.Schema, DataName);
        int? choiceCount = checkpoint.Task == RemBertApplyTask.MultipleChoice ? ChoiceCount(input) : null;
        var device = TorchRuntime.ParseDevice(_options.Device);
        var tokenizer = RemBertTokenizer.FromPretrained(_options.Tokenizer ?? checkpoint.Directory);
        CheckCompatible(tokenizer, checkpoint);
        channel.Info($"Applying {checkpoint.Directory} as {checkpoint.Task} ({checkpoint.Architecture}, {checkpoint.Config.NumLabels} labels), " +
            $"device {device}, {_options.Precision}.");

        var model = LoadHead(checkpoint, device, channel);
        try
        {
            var transformer = CreateTransformer(checkpoint, tokenizer, model, choiceCount);
            transformer.GetOutputSchema(input.Schema);
            return transformer;
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>
    /// The task <c>Fit</c> applies the checkpoint as: config.json's <c>architectures</c> and <c>problem_type</c>, or
    /// <see cref="RemBertApplyOptions.Task"/> (reads config.json only; a Hub id is resolved, downloading what the cache lacks).
    /// </summary>
    /// <exception cref="ArgumentException">The checkpoint has no trained head, or contradicts <see cref="RemBertApplyOptions.Task"/>.</exception>
    public RemBertApplyTask ResolveTask()
    {
        _options.Validate();
        using var channel = _host.Start("ApplyRemBertModel");
        return FineTunedCheckpoint.Open(_options, channel).Task;
    }

    /// <summary>The input columns plus the task's output columns (from config.json only: no weights are loaded); throws naming a missing or mistyped input column.</summary>
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        _host.CheckValue(inputSchema, nameof(inputSchema));
        _options.Validate();
        using var channel = _host.Start("ApplyRemBertModel");
        var checkpoint = FineTunedCheckpoint.Open(_options, channel);
        _options.Validate(checkpoint.Task);
        foreach (var input in AppliedTaskColumns.Inputs(checkpoint.Task, _options))
        {
            if (!inputSchema.TryFindColumn(input.Column.Name, out var column))
                throw _host.ExceptSchemaMismatch(nameof(inputSchema), input.Option, input.Column.Name);
            if (!input.Column.Accepts(column))
                throw _host.ExceptSchemaMismatch(nameof(inputSchema), input.Option, input.Column.Name, input.Column.ExpectedType, column.GetTypeString());
        }
        // A schema shape has no vector sizes: without the option, multiple choice's count is known at Fit only.
        return ScoringSchema.Append(inputSchema, AppliedTaskColumns.OutputShapes(checkpoint, _options, _options.ChoiceCount));
    }

    // The option, else a known-size choices column's size, else the first row's count (as a trainer's first training row fixes it).
    private int ChoiceCount(IDataView input)
    {
        if (_options.ChoiceCount is int count)
            return count;
        var column = input.Schema[_options.ChoicesColumnName];
        if (column.Type is VectorDataViewType { IsKnownSize: true } vector)
            return vector.Size;
        using var cursor = input.GetRowCursor([column]);
        if (!cursor.MoveNext())
            throw new ArgumentException($"{nameof(RemBertApplyOptions.ChoiceCount)} is not set and the {DataName} has no row to read the choice count from " +
                $"(column '{column.Name}' is a vector of variable size): set {nameof(RemBertApplyOptions.ChoiceCount)}.", nameof(RemBertApplyOptions.ChoiceCount));
        VBuffer<ReadOnlyMemory<char>> first = default;
        cursor.GetGetter<VBuffer<ReadOnlyMemory<char>>>(column)(ref first);
        if (first.Length < 2)
            throw new ArgumentException($"Row 0 of the {DataName} has {first.Length} choices in column '{column.Name}'; a row needs at least 2.", nameof(RemBertApplyOptions.ChoicesColumnName));
        return first.Length;
    }

    private void CheckCompatible(RemBertTokenizer tokenizer, FineTunedCheckpoint checkpoint)
    {
        int pieces = tokenizer.SentencePiece.VocabularySize;
        if (pieces != checkpoint.Config.VocabSize)
            throw new ArgumentException(
                $"The tokenizer '{_options.Tokenizer ?? checkpoint.Directory}' has {pieces} pieces but {checkpoint.ConfigPath} has vocab_size {checkpoint.Config.VocabSize}: " +
                "they must be the same vocabulary.", nameof(RemBertApplyOptions.Tokenizer));
        if (_options.MaxSequenceLength > checkpoint.Config.MaxPositionEmbeddings)
            throw new ArgumentOutOfRangeException(nameof(RemBertApplyOptions.MaxSequenceLength), _options.MaxSequenceLength,
                $"MaxSequenceLength is {_options.MaxSequenceLength} but {checkpoint.ConfigPath} has max_position_embeddings {checkpoint.Config.MaxPositionEmbeddings}.");
    }

    // The head model with every weight from the checkpoint: a head the checkpoint lacks would score from random weights.
    private RemBertPreTrainedModel LoadHead(FineTunedCheckpoint checkpoint, torch.Device device, IChannel channel)
    {
        var loadOptions = new CheckpointLoadOptions { Precision = _options.Precision, Log = message => channel.Warning(message) };
        RemBertPreTrainedModel model;
        CheckpointLoadReport report;
        switch (checkpoint.Task)
        {
            case RemBertApplyTask.NamedEntityRecognition:
                (model, report) = Load<RemBertForTokenClassification>(checkpoint, device, loadOptions);
                break;
            case RemBertApplyTask.QuestionAnswering:
                (model, report) = Load<RemBertForQuestionAnswering>(checkpoint, device, loadOptions);
                break;
            case RemBertApplyTask.MultipleChoice:
                (model, report) = Load<RemBertForMultipleChoice>(checkpoint, device, loadOptions);
                break;
            default:
                (model, report) = Load<RemBertForSequenceClassification>(checkpoint, device, loadOptions);
                break;
        }
        if (report.MissingKeys.Count > 0)
        {
            model.Dispose();
            throw new ArgumentException(
                $"{checkpoint.Directory} has no trained weights for {string.Join(", ", report.MissingKeys)} of its {checkpoint.Architecture}: it is not a fine-tuned " +
                "checkpoint, so applying it would score with random weights. Fine-tune it with a RemBERT trainer (Model = this checkpoint) instead.",
                nameof(RemBertApplyOptions.Model));
        }
        return model;
    }

    private static (RemBertPreTrainedModel, CheckpointLoadReport) Load<TModel>(FineTunedCheckpoint checkpoint, torch.Device device, CheckpointLoadOptions options)
        where TModel : RemBertPreTrainedModel
    {
        var result = RemBertCheckpoint.LoadWithReport<TModel>(checkpoint.Directory, device, options);
        return (result.Model, result.Report);
    }

    // The same task and transformer construction the trainers' Fit ends with (see each task's TaskFit.CreateTransformer).
    private RemBertScoringTransformer CreateTransformer(FineTunedCheckpoint checkpoint, RemBertTokenizer tokenizer, RemBertPreTrainedModel model, int? choiceCount)
    {
        var o = _options;
        int batch = o.InferenceBatchSize;
        switch (checkpoint.Task)
        {
            case RemBertApplyTask.NamedEntityRecognition:
                var tagTask = new NamedEntityScoringTask(AppliedTaskColumns.Words(o), new WordWindows(tokenizer, o.MaxSequenceLength, o.Stride),
                    new TagSet(checkpoint.LabelNames), o.PredictedLabelColumnName, o.ScoreColumnName, (RemBertForTokenClassification)model);
                return new RemBertNamedEntityRecognitionTransformer(_host, tagTask, batch);
            case RemBertApplyTask.QuestionAnswering:
                var encoder = new QuestionAnsweringEncoder(tokenizer, o.ContextColumnName, o.QuestionColumnName, o.MaxSequenceLength, o.EffectiveDocumentStride);
                var columns = new AnswerColumnNames(o.PredictedAnswerColumnName, o.ScoreColumnName, o.AnswerStartColumnName);
                return new RemBertQuestionAnsweringTransformer(_host,
                    new QuestionAnsweringScoringTask(encoder, new AnswerSpanSelector(o.TopK, o.MaxAnswerLength), (RemBertForQuestionAnswering)model, columns), batch);
            case RemBertApplyTask.MultipleChoice:
                var choices = new MultipleChoiceEncoder(tokenizer, o.PromptColumnName, o.ChoicesColumnName, o.MaxSequenceLength);
                return new RemBertMultipleChoiceTransformer(_host,
                    new MultipleChoiceScoringTask(choices, (RemBertForMultipleChoice)model, AppliedTaskColumns.ChoiceClasses(o, choiceCount!.Value)), batch);
            default:
                var task = new SequenceScoringTask(new SequenceEncoder(tokenizer, o.Sentence1ColumnName, o.Sentence2ColumnName, o.MaxSequenceLength),
                    (RemBertForSequenceClassification)model, AppliedTaskColumns.SequenceProblem(checkpoint, o));
                return checkpoint.Task switch
                {
                    RemBertApplyTask.Regression => new RemBertRegressionTransformer(_host, task, batch),
                    RemBertApplyTask.BinaryClassification => new RemBertBinaryClassificationTransformer(_host, task, batch),
                    RemBertApplyTask.MultiLabelClassification => new RemBertMultiLabelTransformer(_host, task, batch),
                    _ => new RemBertTextClassificationTransformer(_host, task, batch),
                };
        }
    }
}
