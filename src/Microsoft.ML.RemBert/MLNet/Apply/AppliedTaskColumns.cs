using Microsoft.ML.Data;
using Microsoft.ML.RemBert.MLNet.Scoring;
using Microsoft.ML.RemBert.MLNet.Trainers;
using Microsoft.ML.RemBert.MLNet.Trainers.MultipleChoice;
using Microsoft.ML.RemBert.MLNet.Trainers.NamedEntities;
using Microsoft.ML.RemBert.Trainers;

namespace Microsoft.ML.RemBert.MLNet.Apply;

/// <summary>An input column of an applied task and the option that names it (for errors).</summary>
internal sealed record AppliedInputColumn(ScoringInputColumn Column, string Option);

/// <summary>
/// The columns of a checkpoint applied as <see cref="FineTunedCheckpoint.Task"/>: the inputs the task reads (named by
/// the options, checked like the trainers check them) and the shapes of the outputs, built from the same heads the
/// trainers' transformers use, so <c>GetOutputSchema</c> before <c>Fit</c> describes exactly what <c>Fit</c> returns.
/// </summary>
internal static class AppliedTaskColumns
{
    /// <summary>The input columns <paramref name="task"/> reads, as <paramref name="options"/> name them.</summary>
    public static IReadOnlyList<AppliedInputColumn> Inputs(RemBertApplyTask task, RemBertApplyOptions options) => task switch
    {
        RemBertApplyTask.TextClassification or RemBertApplyTask.BinaryClassification or RemBertApplyTask.Regression
            or RemBertApplyTask.MultiLabelClassification => options.Sentence2ColumnName is null
            ? [Text(options.Sentence1ColumnName, nameof(options.Sentence1ColumnName))]
            : [Text(options.Sentence1ColumnName, nameof(options.Sentence1ColumnName)), Text(options.Sentence2ColumnName, nameof(options.Sentence2ColumnName))],
        RemBertApplyTask.NamedEntityRecognition => [WordsInput(Words(options))],
        RemBertApplyTask.QuestionAnswering =>
            [Text(options.ContextColumnName, nameof(options.ContextColumnName)), Text(options.QuestionColumnName, nameof(options.QuestionColumnName))],
        _ =>
            [
                Text(options.PromptColumnName, nameof(options.PromptColumnName)),
                new AppliedInputColumn(new ScoringInputColumn(RemBertApplyOptions.RequireColumn(options.ChoicesColumnName, nameof(options.ChoicesColumnName)),
                    TextDataViewType.Instance, IsVector: true), nameof(options.ChoicesColumnName)),
            ],
    };

    /// <summary>Where named-entity recognition reads words from (the trainer's rule: the words column when set, else the sentence split on whitespace).</summary>
    public static WordSource Words(RemBertApplyOptions options) => options.WordsColumnName is null
        ? WordSource.For(null, RemBertApplyOptions.RequireColumn(options.Sentence1ColumnName, nameof(options.Sentence1ColumnName)))
        : WordSource.For(RemBertApplyOptions.RequireColumn(options.WordsColumnName, nameof(options.WordsColumnName)), options.Sentence1ColumnName);

    /// <summary>Throws, naming the column and the option, when <paramref name="schema"/> lacks an input or has it with another type.</summary>
    public static void Check(IReadOnlyList<AppliedInputColumn> inputs, DataViewSchema schema, string dataName)
    {
        foreach (var input in inputs)
        {
            var column = schema.GetColumnOrNull(input.Column.Name)
                ?? throw new ArgumentOutOfRangeException(input.Option, input.Column.Name, $"The {dataName} has no column '{input.Column.Name}' ({input.Option}).");
            if (!input.Column.Accepts(column.Type))
                throw new ArgumentOutOfRangeException(input.Option, input.Column.Name,
                    $"Column '{input.Column.Name}' ({input.Option}) of the {dataName} is {column.Type}; it must be {input.Column.ExpectedType}.");
        }
    }

    /// <summary>
    /// The output columns' shapes. Multiple choice without a known <paramref name="choiceCount"/> gives a Score vector of
    /// unknown size, as its trainer does before <c>Fit</c>.
    /// </summary>
    public static IEnumerable<SchemaShape.Column> OutputShapes(FineTunedCheckpoint checkpoint, RemBertApplyOptions options, int? choiceCount)
    {
        switch (checkpoint.Task)
        {
            case RemBertApplyTask.QuestionAnswering:
                SchemaShape.Column Vector(string name, string option, DataViewType itemType)
                    => new(RemBertApplyOptions.RequireColumn(name, option), SchemaShape.Column.VectorKind.VariableVector, itemType, isKey: false);
                return
                [
                    Vector(options.PredictedAnswerColumnName, nameof(options.PredictedAnswerColumnName), TextDataViewType.Instance),
                    Vector(options.ScoreColumnName, nameof(options.ScoreColumnName), NumberDataViewType.Single),
                    Vector(options.AnswerStartColumnName, nameof(options.AnswerStartColumnName), NumberDataViewType.Int32),
                ];
            case RemBertApplyTask.MultipleChoice:
                var shapes = ScoringSchema.OutputShapes(ChoiceClasses(options, choiceCount ?? 2).Outputs).ToList();
                if (choiceCount is null)
                {
                    var score = shapes.Single(shape => shape.Name == options.ScoreColumnName);
                    shapes[shapes.IndexOf(score)] = new SchemaShape.Column(score.Name, SchemaShape.Column.VectorKind.Vector, score.ItemType, isKey: false, score.Annotations);
                }
                return shapes;
            case RemBertApplyTask.NamedEntityRecognition:
                return ScoringSchema.OutputShapes(NamedEntityScoringTask.CreateOutputs(new TagSet(checkpoint.LabelNames),
                    RemBertApplyOptions.RequireColumn(options.PredictedLabelColumnName, nameof(options.PredictedLabelColumnName)),
                    RemBertApplyOptions.RequireColumn(options.ScoreColumnName, nameof(options.ScoreColumnName))));
            default:
                return ScoringSchema.OutputShapes(SequenceProblem(checkpoint, options).Outputs);
        }
    }

    /// <summary>The head of a sentence-level task, the one the matching trainer would build, with config.json's labels.</summary>
    public static SequenceProblem SequenceProblem(FineTunedCheckpoint checkpoint, RemBertApplyOptions options)
    {
        string score = RemBertApplyOptions.RequireColumn(options.ScoreColumnName, nameof(options.ScoreColumnName));
        return checkpoint.Task switch
        {
            RemBertApplyTask.Regression => new RegressionProblem(score),
            RemBertApplyTask.BinaryClassification => new BinaryProblem(score,
                RemBertApplyOptions.RequireColumn(options.ProbabilityColumnName, nameof(options.ProbabilityColumnName)),
                RemBertApplyOptions.RequireColumn(options.PredictionColumnName, nameof(options.PredictionColumnName))),
            RemBertApplyTask.MultiLabelClassification => new MultiLabelProblem(checkpoint.LabelNames, options.Threshold, score,
                RemBertApplyOptions.RequireColumn(options.PredictedLabelsColumnName, nameof(options.PredictedLabelsColumnName))),
            _ => new MulticlassProblem(checkpoint.LabelNames, RemBertApplyOptions.RequireColumn(options.PredictionColumnName, nameof(options.PredictionColumnName)), score),
        };
    }

    /// <summary>Multiple choice's classes: choice i is class i (key i + 1), as an integer label would give.</summary>
    public static ChoiceClasses ChoiceClasses(RemBertApplyOptions options, int choiceCount) => new(Enumerable.Range(0, choiceCount).ToArray(),
        RemBertApplyOptions.RequireColumn(options.PredictedLabelColumnName, nameof(options.PredictedLabelColumnName)),
        RemBertApplyOptions.RequireColumn(options.ScoreColumnName, nameof(options.ScoreColumnName)));

    private static AppliedInputColumn WordsInput(WordSource words) => new(words.InputColumn, words.OptionName);

    private static AppliedInputColumn Text(string name, string option) => new(ScoringInputColumn.Text(RemBertApplyOptions.RequireColumn(name, option)), option);
}
