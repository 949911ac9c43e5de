using Microsoft.ML.RemBert.MLNet.Training;
using Microsoft.ML.RemBert.Modeling;
using Microsoft.ML.RemBert.Trainers;
using Microsoft.ML.Runtime;

namespace Microsoft.ML.RemBert.MLNet.Trainers.QuestionAnswering;

/// <summary>
/// Question answering's part of <c>Fit</c>: rows read into window examples (every answer checked against its
/// context), the start/end loss (validation: SQuAD F1 through the same span selection as inference), and the
/// transformer that answers. The config is the checkpoint's: the span head has no label count.
/// </summary>
internal sealed class QuestionAnsweringFit(RemBertQuestionAnsweringOptions options, QuestionAnsweringEncoder encoder, AnswerSpanSelector selector,
    IHostEnvironment env)
    : TaskFit<QuestionAnsweringExample, RemBertForQuestionAnswering, RemBertQuestionAnsweringTransformer>
{
    private protected override IReadOnlyList<QuestionAnsweringExample> ReadTraining(IDataView data, string dataName, CancellationToken cancellationToken)
        => QuestionAnsweringData.ReadAll(data, encoder, options.TrainingAnswerColumnName, options.AnswerIndexColumnName, dataName, cancellationToken).Examples;

    private protected override string Describe(IReadOnlyList<QuestionAnsweringExample> training, IReadOnlyList<QuestionAnsweringExample>? validation)
        => $"{QuestionCount(training)} training questions in {training.Count} windows" +
            (validation is null ? "" : $", {QuestionCount(validation)} validation questions");

    private protected override ITrainingTask<QuestionAnsweringExample> CreateTrainingTask(long padTokenId) => new QuestionAnsweringTrainingTask(selector, padTokenId);

    private protected override RemBertQuestionAnsweringTransformer CreateTransformer(RemBertForQuestionAnswering model, int inferenceBatchSize)
    {
        var columns = new AnswerColumnNames(options.PredictedAnswerColumnName, options.ScoreColumnName, options.AnswerStartColumnName);
        return new(env, new QuestionAnsweringScoringTask(encoder, selector, model, columns), inferenceBatchSize);
    }

    // Every question has at least one window (an empty context is an error), and each window's example refers to it.
    private static int QuestionCount(IReadOnlyList<QuestionAnsweringExample> examples)
        => examples.Select(example => example.Question).Distinct(ReferenceEqualityComparer.Instance).Count();
}
