namespace Microsoft.ML.RemBert.Trainers;

/// <summary>
/// Options of <c>mlContext.MulticlassClassification.Trainers.RemBertQuestionAnswer</c>: fine-tunes RemBERT for
/// extractive question answering (transformers' RemBertForQuestionAnswering, preprocessed as its <c>run_qa</c>
/// example does). Each row is a context, a question and, for training, the answer's text and character start in
/// the context; an empty answer with start -1 is a question the context does not answer (SQuAD 2.0).
/// </summary>
public sealed class RemBertQuestionAnsweringOptions : RemBertTrainerOptions
{
    /// <summary>transformers' <c>max_answer_length</c> default (tokens).</summary>
    public const int DefaultMaxAnswerLength = 30;

    /// <summary>The text column holding the passage answers are extracted from.</summary>
    public string ContextColumnName { get; set; } = "Context";

    /// <summary>The text column holding the question.</summary>
    public string QuestionColumnName { get; set; } = "Question";

    /// <summary>Training only: the answer's text, exactly as it appears in the context; empty when there is no answer.</summary>
    public string TrainingAnswerColumnName { get; set; } = "TrainingAnswer";

    /// <summary>Training only: an Int32 column with the answer's character start in the context; -1 when there is no answer.</summary>
    public string AnswerIndexColumnName { get; set; } = "AnswerIndex";

    /// <summary>Output: the top <see cref="TopK"/> answers (a vector of text, best first; an empty string is "no answer").</summary>
    public string PredictedAnswerColumnName { get; set; } = "Answer";

    /// <summary>Output: the probability of each answer of <see cref="PredictedAnswerColumnName"/> (a vector of Single).</summary>
    public string ScoreColumnName { get; set; } = "Score";

    /// <summary>Output: the character start in the context of each answer of <see cref="PredictedAnswerColumnName"/> (Int32, -1 for "no answer").</summary>
    public string AnswerStartColumnName { get; set; } = "AnswerStart";

    /// <summary>How many answers are output per row, best first.</summary>
    public int TopK { get; set; } = 3;

    /// <summary>The longest answer predicted, in tokens (transformers' <c>max_answer_length</c>, 30).</summary>
    public int MaxAnswerLength { get; set; } = DefaultMaxAnswerLength;

    /// <summary>
    /// Tokens two consecutive windows over a long context share (transformers' <c>doc_stride</c>), so an answer cut
    /// by one window's end is whole in the next. Null: a third of <see cref="RemBertTrainerOptions.MaxSequenceLength"/>
    /// (run_qa's 128 of 384). Must be smaller than the context tokens that fit beside the question.
    /// </summary>
    public int? DocumentStride { get; set; }

    /// <summary>The stride used: <see cref="DocumentStride"/>, or a third of the maximum length.</summary>
    internal int EffectiveDocumentStride => DocumentStride ?? MaxSequenceLength / 3;

    internal override void Validate()
    {
        base.Validate();
        RequireColumnName(ContextColumnName, nameof(ContextColumnName));
        RequireColumnName(QuestionColumnName, nameof(QuestionColumnName));
        RequireColumnName(TrainingAnswerColumnName, nameof(TrainingAnswerColumnName));
        RequireColumnName(AnswerIndexColumnName, nameof(AnswerIndexColumnName));
        RequireColumnName(PredictedAnswerColumnName, nameof(PredictedAnswerColumnName));
        RequireColumnName(ScoreColumnName, nameof(ScoreColumnName));
        RequireColumnName(AnswerStartColumnName, nameof(AnswerStartColumnName));
        if (TopK < 1)
            throw new ArgumentOutOfRangeException(nameof(TopK), TopK, $"{nameof(TopK)} is {TopK}; it must be at least 1.");
        if (MaxAnswerLength < 1)
            throw new ArgumentOutOfRangeException(nameof(MaxAnswerLength), MaxAnswerLength, $"{nameof(MaxAnswerLength)} is {MaxAnswerLength}; it must be at least 1.");
        // [CLS] question [SEP] window [SEP]: a window holds at most MaxSequenceLength - 4 context tokens beside a
        // one-token question, and the stride must leave each window at least one new token.
        if (DocumentStride is int stride && (stride < 0 || stride >= MaxSequenceLength - 4))
            throw new ArgumentOutOfRangeException(nameof(DocumentStride), stride,
                $"{nameof(DocumentStride)} is {stride}; it must be between 0 and {MaxSequenceLength - 5} for MaxSequenceLength {MaxSequenceLength} " +
                "(smaller than the context tokens a window holds).");
    }
}
