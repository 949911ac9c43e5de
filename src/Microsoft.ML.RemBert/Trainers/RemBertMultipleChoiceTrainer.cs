using Microsoft.ML.Data;
using Microsoft.ML.RemBert.MLNet.Scoring;
using Microsoft.ML.RemBert.MLNet.Trainers.MultipleChoice;
using Microsoft.ML.RemBert.MLNet.Training;
using Microsoft.ML.Runtime;

namespace Microsoft.ML.RemBert.Trainers;

/// <summary>
/// Multiple choice with RemBERT (<c>mlContext.MulticlassClassification.Trainers.RemBertMultipleChoice</c>): for each
/// row, picks the right one of its choices for the prompt, as transformers' RemBertForMultipleChoice. <c>Fit</c> checks
/// the data (naming the column or row at fault) before loading the model, then trains with the shared training loop
/// and returns a transformer that adds PredictedLabel (key) and Score (one probability per choice), scores rows in
/// batches and saves into an ML.NET zip.
/// </summary>
public sealed class RemBertMultipleChoiceTrainer : RemBertTrainerBase<RemBertMultipleChoiceTransformer>
{
    private readonly RemBertMultipleChoiceOptions _options;

    internal RemBertMultipleChoiceTrainer(IHostEnvironment env, RemBertMultipleChoiceOptions options)
        : base(env, options, nameof(RemBertMultipleChoiceTrainer)) => _options = options;

    /// <summary>
    /// The input columns plus PredictedLabel (a key of UInt32) and Score (a vector of Single whose size, the choice
    /// count, a variable-size choices column gives only at Fit); throws naming a missing or mistyped input column.
    /// </summary>
    public override SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        Host.CheckValue(inputSchema, nameof(inputSchema));
        CheckInputColumn(inputSchema, _options.PromptColumnName, "prompt", TextDataViewType.Instance);
        CheckInputColumn(inputSchema, _options.ChoicesColumnName, "choices", column => column.Kind != SchemaShape.Column.VectorKind.Scalar && column.ItemType is TextDataViewType, "Vector<String>");
        CheckInputColumn(inputSchema, _options.LabelColumnName, "label", column => column.Kind == SchemaShape.Column.VectorKind.Scalar
            && (column.IsKey || column.ItemType == NumberDataViewType.UInt32 || column.ItemType == NumberDataViewType.Int32), "a key, UInt32 or Int32");
        if (_options.ExampleWeightColumnName is not null)
            CheckInputColumn(inputSchema, _options.ExampleWeightColumnName, nameof(RemBertMultipleChoiceOptions.ExampleWeightColumnName), NumberDataViewType.Single);
        var shapes = ScoringSchema.OutputShapes(new ChoiceClasses([0, 1], _options.PredictedLabelColumnName, _options.ScoreColumnName).Outputs).ToList();
        // The score's size is the choice count: known after Fit only.
        var score = shapes.Single(shape => shape.Name == _options.ScoreColumnName);
        shapes[shapes.IndexOf(score)] = new SchemaShape.Column(score.Name, SchemaShape.Column.VectorKind.Vector, score.ItemType, isKey: false, score.Annotations);
        return ScoringSchema.Append(inputSchema, shapes);
    }

    private protected override TaskFit<RemBertMultipleChoiceTransformer> CreateFit(TrainingRun run, DataViewSchema trainingSchema)
        => new MultipleChoiceFit(_options, new MultipleChoiceEncoder(run.Tokenizer, _options.PromptColumnName, _options.ChoicesColumnName, _options.MaxSequenceLength), Host);
}
