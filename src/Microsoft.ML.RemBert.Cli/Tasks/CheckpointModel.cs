using Microsoft.ML.Data;
using Microsoft.ML.RemBert.Cli.DataFiles;
using Microsoft.ML.RemBert.Modeling;
using Microsoft.ML.RemBert.Trainers;

namespace Microsoft.ML.RemBert.Cli.Tasks;

/// <summary>
/// <c>rembert predict --model DIRECTORY</c>: a checkpoint fine-tuned elsewhere (e.g. by transformers) applied with
/// <c>ApplyRemBertModel</c> as the model <c>rembert train</c> would have saved for its task: the same input columns
/// (and task file formats) and the same outputs, keys mapped back to class names, tags or choice indices.
/// </summary>
internal static class CheckpointModel
{
    /// <summary>The model of <paramref name="directory"/> and the rows of <paramref name="inputPath"/> it reads.</summary>
    /// <exception cref="InvalidDataException">The checkpoint cannot be applied (no trained head, unknown task) or the file lacks its columns.</exception>
    public static ITransformer Load(MLContext mlContext, string directory, string inputPath, RemBertPrecision? precision, out IDataView data)
    {
        var options = new RemBertApplyOptions { Model = directory, Precision = precision ?? RemBertPrecision.Float32 };
        var estimator = mlContext.Transforms.ApplyRemBertModel(options);
        try
        {
            var task = estimator.ResolveTask();
            data = TaskTable.Named(CliName(task)).ReadForPrediction(inputPath) ?? ModelInputFile.Load(mlContext, inputPath, InputSchema(task));
            // A sentence file with a Sentence2 column holds pairs, as 'rembert train' reads it.
            if (task is RemBertApplyTask.TextClassification or RemBertApplyTask.BinaryClassification or RemBertApplyTask.Regression
                    or RemBertApplyTask.MultiLabelClassification
                && data.Schema.GetColumnOrNull(SentenceFileReader.Sentence2) is not null)
                options.Sentence2ColumnName = SentenceFileReader.Sentence2;
            var applied = estimator.Fit(data);
            if (task is not (RemBertApplyTask.TextClassification or RemBertApplyTask.NamedEntityRecognition or RemBertApplyTask.MultipleChoice))
                return new TransformerChain<ITransformer>(applied);
            var keyToValue = mlContext.Transforms.Conversion.MapKeyToValue(options.PredictedLabelColumnName).Fit(applied.Transform(data));
            return new TransformerChain<ITransformer>(applied, keyToValue);
        }
        catch (ArgumentException e)
        {
            // The checkpoint or the file is the user's to fix: one line naming it.
            throw new InvalidDataException($"{directory}: {e.Message}", e);
        }
    }

    private static string CliName(RemBertApplyTask task) => task switch
    {
        RemBertApplyTask.TextClassification => "text-classification",
        RemBertApplyTask.BinaryClassification => "binary",
        RemBertApplyTask.Regression => "regression",
        RemBertApplyTask.NamedEntityRecognition => "ner",
        RemBertApplyTask.QuestionAnswering => "qa",
        RemBertApplyTask.MultiLabelClassification => "multi-label",
        _ => "multiple-choice",
    };

    // The columns the task's model reads, as 'rembert train' names them; the generic reader takes those the file has.
    private static DataViewSchema InputSchema(RemBertApplyTask task)
    {
        var builder = new DataViewSchema.Builder();
        switch (task)
        {
            case RemBertApplyTask.NamedEntityRecognition:
                builder.AddColumn(ConllReader.Sentence1, TextDataViewType.Instance);
                break;
            case RemBertApplyTask.QuestionAnswering:
                builder.AddColumn(SquadReader.Context, TextDataViewType.Instance);
                builder.AddColumn(SquadReader.Question, TextDataViewType.Instance);
                break;
            case RemBertApplyTask.MultipleChoice:
                builder.AddColumn(ChoiceFileReader.Prompt, TextDataViewType.Instance);
                builder.AddColumn(ChoiceFileReader.Choices, new VectorDataViewType(TextDataViewType.Instance));
                break;
            default:
                builder.AddColumn(SentenceFileReader.Sentence1, TextDataViewType.Instance);
                builder.AddColumn(SentenceFileReader.Sentence2, TextDataViewType.Instance);
                break;
        }
        return builder.ToSchema();
    }
}
