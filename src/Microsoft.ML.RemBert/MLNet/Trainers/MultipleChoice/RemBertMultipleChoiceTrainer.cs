using Microsoft.ML.Data;
using Microsoft.ML.RemBert.MLNet.Scoring;
using Microsoft.ML.RemBert.MLNet.Trainers.MultipleChoice;
using Microsoft.ML.RemBert.MLNet.Training;
using Microsoft.ML.RemBert.Modeling;
using Microsoft.ML.Runtime;

namespace Microsoft.ML.RemBert.Trainers;

/// <summary>
/// Multiple choice with RemBERT (<c>mlContext.MulticlassClassification.Trainers.RemBertMultipleChoice</c>): for each
/// row, picks the right one of its choices for the prompt, as transformers' RemBertForMultipleChoice. <c>Fit</c> checks
/// the data (naming the column or row at fault) before loading the model, then trains with the shared training loop
/// and returns a transformer that adds PredictedLabel (key) and Score (one probability per choice), scores rows in
/// batches and saves into an ML.NET zip.
/// </summary>
public sealed class RemBertMultipleChoiceTrainer : IEstimator<RemBertMultipleChoiceTransformer>
{
    private const string TrainingDataName = "training data";
    private const string ValidationDataName = "validation set";

    private readonly IHost _host;
    private readonly RemBertMultipleChoiceOptions _options;

    internal RemBertMultipleChoiceTrainer(IHostEnvironment env, RemBertMultipleChoiceOptions options)
    {
        _host = Contracts.CheckRef(env, nameof(env)).Register(nameof(RemBertMultipleChoiceTrainer));
        _host.CheckValue(options, nameof(options));
        _options = options;
    }

    /// <summary>Trains on <paramref name="input"/> and returns the trained transformer (which owns the model's native memory).</summary>
    /// <exception cref="ArgumentException">An option is invalid, or a column is missing or of the wrong type (the message names it).</exception>
    /// <exception cref="InvalidOperationException">A row cannot be used (another number of choices, a label out of range); the message names the row and the column.</exception>
    /// <exception cref="OperationCanceledException">The options' CancellationToken was cancelled.</exception>
    public RemBertMultipleChoiceTransformer Fit(IDataView input)
    {
        _host.CheckValue(input, nameof(input));
        using var run = TrainingRun.Start(_host, _options);
        var encoder = new MultipleChoiceEncoder(run.Tokenizer, _options.PromptColumnName, _options.ChoicesColumnName, _options.MaxSequenceLength);
        var ct = _options.CancellationToken;
        var training = MultipleChoiceExample.ReadAll(input, encoder, _options.LabelColumnName, TrainingDataName, null, ct);
        int choiceCount = training.ChoiceOfClass.Length;
        var validation = _options.ValidationSet is { } validationSet
            ? MultipleChoiceExample.ReadAll(validationSet, encoder, _options.LabelColumnName, ValidationDataName, choiceCount, ct).Examples
            : null;
        run.Channel.Info($"{training.Examples.Count} training rows of {choiceCount} choices{(validation is null ? "" : $", {validation.Count} validation rows")}, " +
            $"seed {run.Settings.Seed}, device {run.Settings.Device}.");

        // The head scores each (prompt, choice) encoding; the config's label count plays no part in multiple choice.
        var model = run.LoadModel<RemBertForMultipleChoice>(config => config);
        try
        {
            run.Train(new MultipleChoiceTrainingTask(run.Tokenizer.PadTokenId), model, training.Examples, validation);
            var classes = new ChoiceClasses(training.ChoiceOfClass, _options.PredictedLabelColumnName, _options.ScoreColumnName);
            return new RemBertMultipleChoiceTransformer(_host, new MultipleChoiceScoringTask(encoder, model, classes), _options.InferenceBatchSize);
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>
    /// The input columns plus PredictedLabel (a key of UInt32) and Score (a vector of Single whose size, the choice
    /// count, a variable-size choices column gives only at Fit); throws naming a missing or mistyped input column.
    /// </summary>
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        _host.CheckValue(inputSchema, nameof(inputSchema));
        Check(inputSchema, _options.PromptColumnName, "prompt", column => column.Kind == SchemaShape.Column.VectorKind.Scalar && column.ItemType is TextDataViewType, "String");
        Check(inputSchema, _options.ChoicesColumnName, "choices", column => column.Kind != SchemaShape.Column.VectorKind.Scalar && column.ItemType is TextDataViewType, "Vector<String>");
        Check(inputSchema, _options.LabelColumnName, "label", column => column.Kind == SchemaShape.Column.VectorKind.Scalar
            && (column.IsKey || column.ItemType == NumberDataViewType.UInt32 || column.ItemType == NumberDataViewType.Int32), "a key, UInt32 or Int32");
        var shapes = ScoringSchema.OutputShapes(new ChoiceClasses([0, 1], _options.PredictedLabelColumnName, _options.ScoreColumnName).Outputs).ToList();
        // The score's size is the choice count: known after Fit only.
        var score = shapes.Single(shape => shape.Name == _options.ScoreColumnName);
        shapes[shapes.IndexOf(score)] = new SchemaShape.Column(score.Name, SchemaShape.Column.VectorKind.Vector, score.ItemType, isKey: false, score.Annotations);
        return ScoringSchema.Append(inputSchema, shapes);
    }

    private void Check(SchemaShape schema, string name, string role, Func<SchemaShape.Column, bool> accepts, string expected)
    {
        if (!schema.TryFindColumn(name, out var column))
            throw _host.ExceptSchemaMismatch(nameof(schema), role, name);
        if (!accepts(column))
            throw _host.ExceptSchemaMismatch(nameof(schema), role, name, expected, column.GetTypeString());
    }
}
