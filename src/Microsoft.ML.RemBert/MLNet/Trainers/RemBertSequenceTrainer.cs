using Microsoft.ML.Data;
using Microsoft.ML.RemBert.MLNet.Scoring;
using Microsoft.ML.RemBert.MLNet.Trainers;
using Microsoft.ML.RemBert.MLNet.Training;
using Microsoft.ML.RemBert.Modeling;
using Microsoft.ML.Runtime;

namespace Microsoft.ML.RemBert.Trainers;

/// <summary>
/// Fine-tunes RemBERT on one text column (or a text pair) and a label, through transformers'
/// RemBertForSequenceClassification: the estimator behind the multiclass, binary and regression RemBERT trainers.
/// <c>Fit</c> checks the data (naming the column or row at fault) before loading the model, then trains with the
/// shared training loop and returns a transformer that scores rows in batches and saves into an ML.NET zip.
/// </summary>
/// <typeparam name="TTransformer">The transformer <c>Fit</c> returns.</typeparam>
public abstract class RemBertSequenceTrainer<TTransformer> : IEstimator<TTransformer>
    where TTransformer : RemBertScoringTransformer
{
    private const string TrainingDataName = "training data";
    private const string ValidationDataName = "validation set";

    private readonly RemBertSentenceTrainerOptions _options;

    private protected RemBertSequenceTrainer(IHostEnvironment env, RemBertSentenceTrainerOptions options, string registrationName)
    {
        Host = Contracts.CheckRef(env, nameof(env)).Register(registrationName);
        Host.CheckValue(options, nameof(options));
        _options = options;
    }

    private protected IHost Host { get; }

    /// <summary>Trains on <paramref name="input"/> and returns the trained transformer (which owns the model's native memory).</summary>
    /// <exception cref="ArgumentException">An option is invalid, or a column is missing or of the wrong type (the message names it).</exception>
    /// <exception cref="InvalidOperationException">A row cannot be used (missing label, NaN target); the message names the row.</exception>
    /// <exception cref="OperationCanceledException">The options' CancellationToken was cancelled.</exception>
    public TTransformer Fit(IDataView input)
    {
        Host.CheckValue(input, nameof(input));
        using var run = TrainingRun.Start(Host, _options);
        var encoder = new SequenceEncoder(run.Tokenizer, _options.Sentence1ColumnName, _options.Sentence2ColumnName, _options.MaxSequenceLength);
        encoder.CheckSchema(input.Schema, TrainingDataName);
        var head = CreateHead(input.Schema, TrainingDataName);
        var ct = _options.CancellationToken;
        var training = SequenceExample.ReadAll(input, encoder, head, _options.LabelColumnName, TrainingDataName, ct);
        var validation = _options.ValidationSet is { } validationSet
            ? SequenceExample.ReadAll(validationSet, encoder, head, _options.LabelColumnName, ValidationDataName, ct)
            : null;
        run.Channel.Info($"{training.Count} training rows{(validation is null ? "" : $", {validation.Count} validation rows")}, seed {run.Settings.Seed}, device {run.Settings.Device}.");

        var model = run.LoadModel<RemBertForSequenceClassification>(head.Configure);
        try
        {
            run.Train(new SequenceTrainingTask(head, run.Tokenizer.PadTokenId), model, training, validation);
            return CreateTransformer(new SequenceScoringTask(encoder, model, head), _options.InferenceBatchSize);
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>The input columns plus the trainer's output columns; throws naming a missing or mistyped input column.</summary>
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        Host.CheckValue(inputSchema, nameof(inputSchema));
        CheckText(inputSchema, _options.Sentence1ColumnName, nameof(RemBertSentenceTrainerOptions.Sentence1ColumnName));
        if (_options.Sentence2ColumnName is not null)
            CheckText(inputSchema, _options.Sentence2ColumnName, nameof(RemBertSentenceTrainerOptions.Sentence2ColumnName));
        if (!inputSchema.TryFindColumn(_options.LabelColumnName, out var label))
            throw Host.ExceptSchemaMismatch(nameof(inputSchema), "label", _options.LabelColumnName);
        return ScoringSchema.Append(inputSchema, OutputShapes(label));
    }

    /// <summary>The head for the label column of <paramref name="schema"/>; throws naming the column when it does not fit.</summary>
    private protected abstract SequenceHead CreateHead(DataViewSchema schema, string dataName);

    /// <summary>The output columns' shapes for an estimator-time label column; throws naming the label when it does not fit.</summary>
    private protected abstract IEnumerable<SchemaShape.Column> OutputShapes(SchemaShape.Column label);

    /// <summary>The shapes of <paramref name="head"/>'s output columns, annotations included.</summary>
    private protected static IEnumerable<SchemaShape.Column> ShapesOf(SequenceHead head)
    {
        var outputs = new DataViewSchema.Builder();
        foreach (var column in head.Outputs)
            outputs.AddColumn(column.Name, column.Type, column.Annotations);
        return SchemaShape.Create(outputs.ToSchema());
    }

    /// <summary>The trained transformer around <paramref name="task"/>.</summary>
    private protected abstract TTransformer CreateTransformer(SequenceScoringTask task, int inferenceBatchSize);

    private void CheckText(SchemaShape schema, string name, string option)
    {
        if (!schema.TryFindColumn(name, out var column))
            throw Host.ExceptSchemaMismatch(nameof(schema), option, name);
        if (column.Kind != SchemaShape.Column.VectorKind.Scalar || column.ItemType is not TextDataViewType)
            throw Host.ExceptSchemaMismatch(nameof(schema), option, name, "String", column.GetTypeString());
    }
}
