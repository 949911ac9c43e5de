using Microsoft.ML.Data;
using Microsoft.ML.RemBert.Cli.DataFiles;
using Microsoft.ML.RemBert.Trainers;

namespace Microsoft.ML.RemBert.Cli.Tasks;

/// <summary>
/// <c>qa</c>: extractive question answering from SQuAD 1.1/2.0 JSON. Scored as the official SQuAD v2.0 script scores it:
/// exact match and F1 (percentages) over every gold answer, overall and split into answerable (HasAns) and unanswerable
/// (NoAns) questions.
/// </summary>
internal sealed class QuestionAnsweringTask : CliTask
{
    public override string Name => "qa";

    public override string Formats => "SQuAD 1.1/2.0 JSON: {\"data\": [{\"paragraphs\": [{\"context\", \"qas\": [{\"question\", \"answers\", \"is_impossible\"}]}]}]}";

    public override IDataView Read(MLContext mlContext, string path) => SquadReader.Read(path);

    public override IDataView? ReadForPrediction(string path) =>
        Path.GetExtension(path).Equals(".json", StringComparison.OrdinalIgnoreCase) ? SquadReader.Read(path, requireAnswers: false) : null;

    public override ITransformer Train(MLContext mlContext, IDataView train, IDataView? valid, Training.TrainingArguments arguments)
    {
        var options = arguments.Apply(new RemBertQuestionAnsweringOptions
        {
            ContextColumnName = SquadReader.Context,
            QuestionColumnName = SquadReader.Question,
            TrainingAnswerColumnName = SquadReader.TrainingAnswer,
            AnswerIndexColumnName = SquadReader.AnswerIndex,
        });
        options.ValidationSet = valid;
        return new TransformerChain<ITransformer>(mlContext.MulticlassClassification.Trainers.RemBertQuestionAnswer(options).Fit(train));
    }

    public override bool IsTrainedTransformer(ITransformer transformer) => transformer is RemBertQuestionAnsweringTransformer;

    public override TaskMetrics Evaluate(MLContext mlContext, ITransformer model, IDataView data)
    {
        var scored = ModelChain.TransformThrough(model, data, IsTrainedTransformer);
        var metrics = mlContext.MulticlassClassification.EvaluateQuestionAnswering(scored, SquadReader.Answers, "Answer");
        // The names of the SQuAD v2.0 script's output (exact, f1, HasAns_exact, ...), so results compare at a glance.
        return new TaskMetrics(Name,
        [
            ("f1", metrics.F1Score),
            ("exact", metrics.ExactMatch),
            ("total", metrics.Count),
            ("HasAns_exact", metrics.HasAnswerExactMatch),
            ("HasAns_f1", metrics.HasAnswerF1Score),
            ("HasAns_total", metrics.HasAnswerCount),
            ("NoAns_exact", metrics.NoAnswerExactMatch),
            ("NoAns_f1", metrics.NoAnswerF1Score),
            ("NoAns_total", metrics.NoAnswerCount),
        ]);
    }
}
