using Microsoft.ML.Data;
using Microsoft.ML.RemBert.MLNet.Scoring;
using Microsoft.ML.RemBert.MLNet.Trainers.NamedEntities;
using Microsoft.ML.RemBert.MLNet.Training;
using Microsoft.ML.Runtime;

namespace Microsoft.ML.RemBert.Trainers;

/// <summary>
/// Named-entity recognition with RemBERT (<c>mlContext.MulticlassClassification.Trainers.RemBertNamedEntityRecognition</c>):
/// fine-tunes transformers' RemBertForTokenClassification to tag each word of a sentence with a BIO/IOB2 tag. The label
/// is a vector of keys, one per word, whose KeyValues are the tag names. <c>Fit</c> checks the data (naming the column or
/// row at fault) before loading the model, trains with the shared training loop (validation metric: seqeval's entity
/// F1) and returns a transformer that adds PredictedLabel and Score, one value per word. A row's tag count must be its
/// word count (errors name the row and column).
/// </summary>
public sealed class RemBertNamedEntityRecognitionTrainer : RemBertTrainerBase<RemBertNamedEntityRecognitionTransformer>
{
    private readonly RemBertNamedEntityRecognitionOptions _options;

    internal RemBertNamedEntityRecognitionTrainer(IHostEnvironment env, RemBertNamedEntityRecognitionOptions options)
        : base(env, options, nameof(RemBertNamedEntityRecognitionTrainer)) => _options = options;

    /// <summary>
    /// The input columns plus PredictedLabel (a vector of keys of the label's key type) and Score (a vector of Single);
    /// throws naming a missing or mistyped input column.
    /// </summary>
    public override SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        Host.CheckValue(inputSchema, nameof(inputSchema));
        var words = WordSource.For(_options.WordsColumnName, _options.Sentence1ColumnName);
        if (!inputSchema.TryFindColumn(words.ColumnName, out var wordColumn))
            throw Host.ExceptSchemaMismatch(nameof(inputSchema), words.OptionName, words.ColumnName);
        if (!words.InputColumn.Accepts(wordColumn))
            throw Host.ExceptSchemaMismatch(nameof(inputSchema), words.OptionName, words.ColumnName, words.InputColumn.ExpectedType, wordColumn.GetTypeString());
        if (!inputSchema.TryFindColumn(_options.LabelColumnName, out var label))
            throw Host.ExceptSchemaMismatch(nameof(inputSchema), "label", _options.LabelColumnName);
        if (!label.IsKey || label.Kind == SchemaShape.Column.VectorKind.Scalar)
            throw Host.ExceptSchemaMismatch(nameof(inputSchema), "label", label.Name, "a vector of keys (e.g. from MapValueToKey over a vector of tags)", label.GetTypeString());
        // Before Fit the tag count may be unknown (MapValueToKey learns it): shapes of a two-tag set, with the label's key type.
        var outputs = NamedEntityScoringTask.CreateOutputs(new TagSet(["O", "B-X"]), _options.PredictedLabelColumnName, _options.ScoreColumnName);
        var shapes = ScoringSchema.OutputShapes(outputs).ToDictionary(shape => shape.Name);
        var predicted = shapes[_options.PredictedLabelColumnName];
        var score = shapes[_options.ScoreColumnName];
        return ScoringSchema.Append(inputSchema,
        [
            new SchemaShape.Column(predicted.Name, SchemaShape.Column.VectorKind.VariableVector, label.ItemType, isKey: true, predicted.Annotations),
            score,
        ]);
    }

    private protected override TaskFit<RemBertNamedEntityRecognitionTransformer> CreateFit(TrainingRun run, DataViewSchema trainingSchema)
    {
        var words = WordSource.For(_options.WordsColumnName, _options.Sentence1ColumnName);
        var windows = new WordWindows(run.Tokenizer, _options.MaxSequenceLength, _options.Stride);
        words.CheckSchema(trainingSchema, TrainingRun.TrainingDataName);
        var tags = TagSet.ForLabel(trainingSchema, _options.LabelColumnName, TrainingRun.TrainingDataName);
        return new NamedEntityFit(_options, words, windows, tags, Host);
    }
}
