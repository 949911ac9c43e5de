using Microsoft.ML.Data;
using Microsoft.ML.RemBert.MLNet.Scoring;
using Microsoft.ML.RemBert.MLNet.Training;
using Microsoft.ML.Runtime;

namespace Microsoft.ML.RemBert.Trainers;

/// <summary>
/// Base of every RemBERT trainer (sequence classification and regression, named-entity recognition, question
/// answering, multiple choice). <c>Fit</c> starts the run (options checked, tokenizer loaded), lets the task check
/// the training data's schema, reads the training and validation rows (naming the row and column at fault) before
/// loading the model, trains with the shared training loop and returns a transformer that scores rows in batches and
/// saves into an ML.NET zip.
/// </summary>
/// <typeparam name="TTransformer">The transformer <c>Fit</c> returns.</typeparam>
public abstract class RemBertTrainerBase<TTransformer> : IEstimator<TTransformer>
    where TTransformer : RemBertScoringTransformer
{
    private readonly RemBertTrainerOptions _options;

    private protected RemBertTrainerBase(IHostEnvironment env, RemBertTrainerOptions options, string registrationName)
    {
        Host = Contracts.CheckRef(env, nameof(env)).Register(registrationName);
        Host.CheckValue(options, nameof(options));
        _options = options;
    }

    /// <summary>The ML.NET host of this trainer (errors, logging).</summary>
    private protected IHost Host { get; }

    /// <summary>Trains on <paramref name="input"/> and returns the trained transformer (which owns the model's native memory).</summary>
    /// <exception cref="ArgumentException">An option is invalid, or a column is missing or of the wrong type (the message names it).</exception>
    /// <exception cref="InvalidOperationException">A row cannot be used (e.g. a missing label); the message names the row and column.</exception>
    /// <exception cref="OperationCanceledException">The options' CancellationToken was cancelled.</exception>
    public TTransformer Fit(IDataView input)
    {
        Host.CheckValue(input, nameof(input));
        using var run = TrainingRun.Start(Host, _options);
        return CreateFit(run, input.Schema).Run(run, input);
    }

    /// <summary>The input columns plus the trainer's output columns; throws naming a missing or mistyped input column.</summary>
    public abstract SchemaShape GetOutputSchema(SchemaShape inputSchema);

    /// <summary>
    /// The task's part of this <c>Fit</c>, once the tokenizer is loaded: checks what the training data's
    /// <paramref name="trainingSchema"/> fixes (columns, labels) and throws naming the column when it does not fit.
    /// </summary>
    private protected abstract TaskFit<TTransformer> CreateFit(TrainingRun run, DataViewSchema trainingSchema);

    /// <summary>
    /// For <see cref="GetOutputSchema"/>: the input column <paramref name="name"/> (set by option <paramref name="option"/>),
    /// or ML.NET's schema-mismatch error naming it when it is missing or <paramref name="accepts"/> rejects it.
    /// </summary>
    private protected SchemaShape.Column CheckInputColumn(SchemaShape schema, string name, string option,
        Func<SchemaShape.Column, bool> accepts, string expectedType)
    {
        if (!schema.TryFindColumn(name, out var column))
            throw Host.ExceptSchemaMismatch(nameof(schema), option, name);
        if (!accepts(column))
            throw Host.ExceptSchemaMismatch(nameof(schema), option, name, expectedType, column.GetTypeString());
        return column;
    }

    /// <summary>As <see cref="CheckInputColumn(SchemaShape, string, string, Func{SchemaShape.Column, bool}, string)"/>, for a scalar column of <paramref name="type"/>.</summary>
    private protected SchemaShape.Column CheckInputColumn(SchemaShape schema, string name, string option, DataViewType type)
        => CheckInputColumn(schema, name, option, column => column.Kind == SchemaShape.Column.VectorKind.Scalar && column.ItemType.Equals(type), $"{type}");
}
