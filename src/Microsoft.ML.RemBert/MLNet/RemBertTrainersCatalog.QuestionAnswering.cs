using Microsoft.ML.Data;
using Microsoft.ML.RemBert.MLNet;
using Microsoft.ML.RemBert.Trainers;

namespace Microsoft.ML;

public static partial class RemBertTrainersCatalog
{
    /// <summary>
    /// Fine-tunes RemBERT for extractive question answering: finds the answer to a question in a context (of any
    /// length: long contexts are read in overlapping windows), or answers nothing when the context has no answer.
    /// Outputs Answer (the top 3 answers, best first, empty for no answer), Score (their probabilities) and
    /// AnswerStart (their character starts in the context, -1 for no answer), as <c>EvaluateQuestionAnswering</c> reads.
    /// </summary>
    /// <param name="catalog">mlContext.MulticlassClassification.Trainers.</param>
    /// <param name="contextColumnName">The text column holding the passage.</param>
    /// <param name="questionColumnName">The text column holding the question.</param>
    /// <param name="trainingAnswerColumnName">The answer's text as it appears in the context; empty for no answer.</param>
    /// <param name="answerIndexColumnName">An Int32 column: the answer's character start in the context, -1 for no answer.</param>
    /// <param name="model">A local checkpoint directory or a Hub id.</param>
    /// <param name="batchSize">Windows per training batch.</param>
    /// <param name="maxEpochs">Passes over the training data.</param>
    /// <param name="validationSet">Optional data scored (SQuAD F1) after each epoch; the best epoch's weights are kept.</param>
    public static RemBertQuestionAnsweringTrainer RemBertQuestionAnswer(this MulticlassClassificationCatalog.MulticlassClassificationTrainers catalog,
        string contextColumnName = "Context", string questionColumnName = "Question", string trainingAnswerColumnName = "TrainingAnswer",
        string answerIndexColumnName = "AnswerIndex", string model = RemBertTrainerOptions.DefaultModel, int batchSize = 32, int maxEpochs = 3,
        IDataView? validationSet = null)
        => catalog.RemBertQuestionAnswer(new RemBertQuestionAnsweringOptions
        {
            ContextColumnName = contextColumnName,
            QuestionColumnName = questionColumnName,
            TrainingAnswerColumnName = trainingAnswerColumnName,
            AnswerIndexColumnName = answerIndexColumnName,
            Model = model,
            BatchSize = batchSize,
            MaxEpochs = maxEpochs,
            ValidationSet = validationSet,
        });

    /// <summary>Fine-tunes RemBERT for extractive question answering with every option.</summary>
    /// <param name="catalog">mlContext.MulticlassClassification.Trainers.</param>
    /// <param name="options">The options; checked when training starts.</param>
    public static RemBertQuestionAnsweringTrainer RemBertQuestionAnswer(this MulticlassClassificationCatalog.MulticlassClassificationTrainers catalog,
        RemBertQuestionAnsweringOptions options)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(options);
        return new RemBertQuestionAnsweringTrainer(CheckedEnvironment.Of(catalog), options);
    }
}
