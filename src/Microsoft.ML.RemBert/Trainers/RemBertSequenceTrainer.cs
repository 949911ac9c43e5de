using Microsoft.ML.Data;
using Microsoft.ML.RemBert.MLNet.Scoring;
using Microsoft.ML.RemBert.MLNet.Trainers;
using Microsoft.ML.RemBert.MLNet.Training;
using Microsoft.ML.Runtime;

namespace Microsoft.ML.RemBert.Trainers;

/// <summary>
/// Fine-tunes RemBERT on one text column (or a text pair) and a label, through transformers'
/// RemBertForSequenceClassification: the estimator behind the multiclass, binary, regression and multi-label RemBERT trainers,
/// on the shared trainer base (<see cref="RemBertTrainerBase{TTransformer}"/>); each trainer supplies its head.
/// </summary>
/// <typeparam name="TTransformer">The transformer <c>Fit</c> returns.</typeparam>
public abstract class RemBertSequenceTrainer<TTransformer> : RemBertTrainerBase<TTransformer>
    where TTransformer : RemBertScoringTransformer
{
    private readonly RemBertSentenceTrainerOptions _options;

    private protected RemBertSequenceTrainer(IHostEnvironment env, RemBertSentenceTrainerOptions options, string registrationName)
        : base(env, options, registrationName) => _options = options;

    /// <inheritdoc/>
    public sealed override SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        Host.CheckValue(inputSchema, nameof(inputSchema));
        CheckInputColumn(inputSchema, _options.Sentence1ColumnName, nameof(RemBertSentenceTrainerOptions.Sentence1ColumnName), TextDataViewType.Instance);
        if (_options.Sentence2ColumnName is not null)
            CheckInputColumn(inputSchema, _options.Sentence2ColumnName, nameof(RemBertSentenceTrainerOptions.Sentence2ColumnName), TextDataViewType.Instance);
        if (_options.ExampleWeightColumnName is not null)
            CheckInputColumn(inputSchema, _options.ExampleWeightColumnName, nameof(RemBertSentenceTrainerOptions.ExampleWeightColumnName), NumberDataViewType.Single);
        if (!inputSchema.TryFindColumn(_options.LabelColumnName, out var label))
            throw Host.ExceptSchemaMismatch(nameof(inputSchema), "label", _options.LabelColumnName);
        return ScoringSchema.Append(inputSchema, OutputShapes(label));
    }

    private protected sealed override TaskFit<TTransformer> CreateFit(TrainingRun run, DataViewSchema trainingSchema)
    {
        var encoder = new SequenceEncoder(run.Tokenizer, _options.Sentence1ColumnName, _options.Sentence2ColumnName, _options.MaxSequenceLength,
            _options.Windowing);
        encoder.CheckSchema(trainingSchema, TrainingRun.TrainingDataName);
        ExampleWeightColumn.Find(trainingSchema, _options.ExampleWeightColumnName, TrainingRun.TrainingDataName);
        return new SequenceFit<TTransformer>(encoder, HeadMetrics, CreateHead, _options.LabelColumnName, _options.ExampleWeightColumnName,
            CreateTransformer);
    }

    /// <summary>
    /// The head for the label column of the training <paramref name="data"/> (its schema, or for a label set learnt
    /// from the rows, its rows); throws naming the column when it does not fit.
    /// </summary>
    private protected abstract SequenceProblem CreateHead(IDataView data, string dataName);

    /// <summary>The validation metrics of the head <see cref="CreateHead"/> makes, known before the data is read.</summary>
    private protected abstract IReadOnlyList<TrainingMetric> HeadMetrics { get; }

    /// <summary>The output columns' shapes for an estimator-time label column; throws naming the label when it does not fit.</summary>
    private protected abstract IEnumerable<SchemaShape.Column> OutputShapes(SchemaShape.Column label);

    /// <summary>The shapes of <paramref name="head"/>'s output columns, annotations included.</summary>
    private protected static IEnumerable<SchemaShape.Column> ShapesOf(SequenceProblem head) => ScoringSchema.OutputShapes(head.Outputs);

    /// <summary>The trained transformer around <paramref name="task"/>.</summary>
    private protected abstract TTransformer CreateTransformer(SequenceScoringTask task, int inferenceBatchSize);
}
