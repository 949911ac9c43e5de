using Microsoft.ML.Data;
using Microsoft.ML.RemBert.MLNet.Scoring;
using Microsoft.ML.RemBert.MLNet.Trainers.NamedEntities;
using Microsoft.ML.RemBert.MLNet.Training;
using Microsoft.ML.RemBert.Modeling;
using Microsoft.ML.Runtime;

namespace Microsoft.ML.RemBert.Trainers;

/// <summary>
/// Named-entity recognition with RemBERT (<c>mlContext.MulticlassClassification.Trainers.RemBertNamedEntityRecognition</c>):
/// fine-tunes transformers' RemBertForTokenClassification to tag each word of a sentence with a BIO/IOB2 tag. The label
/// is a vector of keys, one per word, whose KeyValues are the tag names. <c>Fit</c> checks the data (naming the column or
/// row at fault) before loading the model, trains with the shared training loop (validation metric: seqeval's entity
/// F1) and returns a transformer that adds PredictedLabel and Score, one value per word.
/// </summary>
public sealed class RemBertNamedEntityRecognitionTrainer : IEstimator<RemBertNamedEntityRecognitionTransformer>
{
    private const string TrainingDataName = "training data";
    private const string ValidationDataName = "validation set";

    private readonly IHost _host;
    private readonly RemBertNamedEntityRecognitionOptions _options;

    internal RemBertNamedEntityRecognitionTrainer(IHostEnvironment env, RemBertNamedEntityRecognitionOptions options)
    {
        _host = Contracts.CheckRef(env, nameof(env)).Register(nameof(RemBertNamedEntityRecognitionTrainer));
        _host.CheckValue(options, nameof(options));
        _options = options;
    }

    /// <summary>Trains on <paramref name="input"/> and returns the trained transformer (which owns the model's native memory).</summary>
    /// <exception cref="ArgumentException">An option is invalid, or a column is missing or of the wrong type (the message names it).</exception>
    /// <exception cref="InvalidOperationException">A row cannot be used (tag count not the word count, a missing tag); the message names the row and column.</exception>
    /// <exception cref="OperationCanceledException">The options' CancellationToken was cancelled.</exception>
    public RemBertNamedEntityRecognitionTransformer Fit(IDataView input)
    {
        _host.CheckValue(input, nameof(input));
        using var run = TrainingRun.Start(_host, _options);
        var words = WordSource.For(_options.WordsColumnName, _options.Sentence1ColumnName);
        var windows = new WordWindows(run.Tokenizer, _options.MaxSequenceLength, _options.Stride);
        words.CheckSchema(input.Schema, TrainingDataName);
        var tags = TagSet.ForLabel(input.Schema, _options.LabelColumnName, TrainingDataName);
        var ct = _options.CancellationToken;
        var training = NamedEntityExample.ReadAll(input, words, windows, tags, _options.LabelColumnName, TrainingDataName, ct);
        var validation = _options.ValidationSet is { } validationSet
            ? NamedEntityExample.ReadAll(validationSet, words, windows, tags, _options.LabelColumnName, ValidationDataName, ct)
            : null;
        run.Channel.Info($"{training.Count} training windows{(validation is null ? "" : $", {validation.Count} validation windows")}, " +
            $"{tags.Count} tags, seed {run.Settings.Seed}, device {run.Settings.Device}.");

        var model = run.LoadModel<RemBertForTokenClassification>(config => config.WithLabels(tags.Names));
        try
        {
            run.Train(new NamedEntityTrainingTask(tags, run.Tokenizer.PadTokenId), model, training, validation);
            var task = new NamedEntityScoringTask(words, windows, tags, _options.PredictedLabelColumnName, _options.ScoreColumnName, model);
            return new RemBertNamedEntityRecognitionTransformer(_host, task, _options.InferenceBatchSize);
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>
    /// The input columns plus PredictedLabel (a vector of keys of the label's key type) and Score (a vector of Single);
    /// throws naming a missing or mistyped input column.
    /// </summary>
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        _host.CheckValue(inputSchema, nameof(inputSchema));
        var words = WordSource.For(_options.WordsColumnName, _options.Sentence1ColumnName);
        if (!inputSchema.TryFindColumn(words.ColumnName, out var wordColumn))
            throw _host.ExceptSchemaMismatch(nameof(inputSchema), words.OptionName, words.ColumnName);
        if (!words.InputColumn.Accepts(wordColumn))
            throw _host.ExceptSchemaMismatch(nameof(inputSchema), words.OptionName, words.ColumnName, words.InputColumn.ExpectedType, wordColumn.GetTypeString());
        if (!inputSchema.TryFindColumn(_options.LabelColumnName, out var label))
            throw _host.ExceptSchemaMismatch(nameof(inputSchema), "label", _options.LabelColumnName);
        if (!label.IsKey || label.Kind == SchemaShape.Column.VectorKind.Scalar)
            throw _host.ExceptSchemaMismatch(nameof(inputSchema), "label", label.Name, "a vector of keys (e.g. from MapValueToKey over a vector of tags)", label.GetTypeString());
        // Before Fit the tag count may be unknown (MapValueToKey learns it): shapes of a two-tag set, with the label's key type.
        var outputs = new DataViewSchema.Builder();
        foreach (var column in NamedEntityScoringTask.CreateOutputs(new TagSet(["O", "B-X"]), _options.PredictedLabelColumnName, _options.ScoreColumnName))
            outputs.AddColumn(column.Name, column.Type, column.Annotations);
        var shapes = SchemaShape.Create(outputs.ToSchema()).ToDictionary(shape => shape.Name);
        var predicted = shapes[_options.PredictedLabelColumnName];
        var score = shapes[_options.ScoreColumnName];
        return ScoringSchema.Append(inputSchema,
        [
            new SchemaShape.Column(predicted.Name, SchemaShape.Column.VectorKind.VariableVector, label.ItemType, isKey: true, predicted.Annotations),
            score,
        ]);
    }
}
