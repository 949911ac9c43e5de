namespace Microsoft.ML.RemBert.Trainers;

/// <summary>
/// The task a fine-tuned checkpoint is applied as (<see cref="RemBertApplyOptions.Task"/>): each gives the transformer
/// the matching trainer gives, with that trainer's columns.
/// </summary>
public enum RemBertApplyTask
{
    /// <summary>RemBertForSequenceClassification with 2 or more labels: <see cref="RemBertTextClassificationTransformer"/> (PredictedLabel key, Score).</summary>
    TextClassification,

    /// <summary>RemBertForSequenceClassification with 2 labels, label 1 meaning true: <see cref="RemBertBinaryClassificationTransformer"/> (Score, Probability, PredictedLabel).</summary>
    BinaryClassification,

    /// <summary>RemBertForSequenceClassification with 1 label (or <c>problem_type: regression</c>): <see cref="RemBertRegressionTransformer"/> (Score).</summary>
    Regression,

    /// <summary>RemBertForTokenClassification: <see cref="RemBertNamedEntityRecognitionTransformer"/> (one tag per word).</summary>
    NamedEntityRecognition,

    /// <summary>RemBertForQuestionAnswering: <see cref="RemBertQuestionAnsweringTransformer"/> (answers from the context).</summary>
    QuestionAnswering,

    /// <summary>RemBertForMultipleChoice: <see cref="RemBertMultipleChoiceTransformer"/> (the chosen choice).</summary>
    MultipleChoice,

    /// <summary>
    /// RemBertForSequenceClassification with <c>problem_type: multi_label_classification</c> (the default for it):
    /// <see cref="RemBertMultiLabelTransformer"/> (Score per label, PredictedLabels over the threshold).
    /// </summary>
    MultiLabelClassification,
}
