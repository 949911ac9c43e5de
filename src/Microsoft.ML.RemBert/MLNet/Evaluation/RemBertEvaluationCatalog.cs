using Microsoft.ML.RemBert.Evaluation;
using Microsoft.ML.RemBert.MLNet;
using Microsoft.ML.RemBert.MLNet.Evaluation;

// In the Microsoft.ML namespace, like ML.NET's own catalog extensions, so `using Microsoft.ML;` is enough.
namespace Microsoft.ML;

/// <summary>
/// Evaluators of the RemBERT task trainers, on <c>mlContext.MulticlassClassification</c> beside ML.NET's own
/// <c>Evaluate</c>: named-entity recognition scored by entity (seqeval), multi-label classification (scikit-learn's
/// definitions) and extractive question answering scored as SQuAD. The metric types live in <see cref="Microsoft.ML.RemBert.Evaluation"/>.
/// </summary>
public static class RemBertEvaluationCatalog
{
    /// <summary>
    /// Entity-level precision, recall and F1 of named-entity recognition, overall (micro), per entity type and
    /// macro/weighted averaged, counted exactly as seqeval's default mode (conlleval-style chunking of IOB1, IOB2
    /// and BIOES tags; an entity counts only with its exact span and type). Each row is one sentence.
    /// </summary>
    /// <param name="catalog">mlContext.MulticlassClassification.</param>
    /// <param name="data">Scored data, e.g. the output of the NER transformer.</param>
    /// <param name="labelColumnName">Expected tags, one per word: a vector of keys with KeyValues (from
    /// <c>MapValueToKey</c>) or a vector of text.</param>
    /// <param name="predictedLabelColumnName">Predicted tags, of either of the same two types; the same count as the labels in every row.</param>
    /// <exception cref="ArgumentException">A column is missing, of another type, or a key column has no tag names.</exception>
    /// <exception cref="InvalidOperationException">A row's two columns differ in length, a key has no tag, or a tag
    /// has no B-/I-/E-/S- prefix and is not O; the message names the row and column.</exception>
    public static NamedEntityMetrics EvaluateNamedEntities(this MulticlassClassificationCatalog catalog, IDataView data,
        string labelColumnName = "Label", string predictedLabelColumnName = "PredictedLabel")
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return NamedEntityDataEvaluation.Evaluate(CheckedEnvironment.Of(catalog), data, labelColumnName, predictedLabelColumnName);
    }

    /// <summary>
    /// Multi-label classification metrics (micro and macro F1, precision and recall, subset accuracy, Hamming loss and
    /// per-label precision/recall/F1) with scikit-learn's definitions and its <c>zero_division=0</c> convention. Each row
    /// is one set of expected and one set of predicted labels; a row with neither is valid (all negative).
    /// </summary>
    /// <param name="catalog">mlContext.MulticlassClassification.</param>
    /// <param name="data">Scored data, e.g. the output of the multi-label transformer.</param>
    /// <param name="labelColumnName">Expected labels: a vector of text or a vector of keys with KeyValues (from <c>MapValueToKey</c>).</param>
    /// <param name="predictedLabelsColumnName">Predicted labels, of either of the same two types.</param>
    /// <param name="scoreColumnName">An optional score column whose slot names are the model's labels: when the data has
    /// it, every one of those labels is scored (a label never present nor predicted gets F1 0); otherwise the labels
    /// are those the rows have or predict.</param>
    /// <exception cref="ArgumentException">A column is missing, of another type, a key column has no label names, or the data has no rows.</exception>
    public static MultiLabelClassificationMetrics EvaluateMultiLabel(this MulticlassClassificationCatalog catalog, IDataView data,
        string labelColumnName = "Label", string predictedLabelsColumnName = "PredictedLabels", string? scoreColumnName = "Score")
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return MultiLabelDataEvaluation.Evaluate(CheckedEnvironment.Of(catalog), data, labelColumnName, predictedLabelsColumnName, scoreColumnName);
    }

    /// <summary>
    /// Exact match and F1 of extractive question answering, as percentages, computed exactly as the official
    /// SQuAD v2.0 evaluation script (v1.1 on answerable questions): answers normalized by lower-casing and removing
    /// ASCII punctuation, English articles and extra whitespace; the best score over several gold answers; a question
    /// without a gold answer scores only an empty prediction. Each row is one question.
    /// </summary>
    /// <param name="catalog">mlContext.MulticlassClassification.</param>
    /// <param name="data">Scored data, e.g. the output of the question-answering transformer.</param>
    /// <param name="groundTruthColumnName">Gold answers: text (one answer) or a vector of text (several; an empty
    /// vector or empty strings for an unanswerable question).</param>
    /// <param name="predictedAnswerColumnName">Predicted answers: a vector of text, best first (only the first is
    /// scored; an empty vector means "no answer"), or text.</param>
    /// <exception cref="ArgumentException">A column is missing or is neither text nor a vector of text.</exception>
    public static QuestionAnsweringMetrics EvaluateQuestionAnswering(this MulticlassClassificationCatalog catalog, IDataView data,
        string groundTruthColumnName = "TrainingAnswer", string predictedAnswerColumnName = "Answer")
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return QuestionAnsweringDataEvaluation.Evaluate(CheckedEnvironment.Of(catalog), data, groundTruthColumnName, predictedAnswerColumnName);
    }
}
