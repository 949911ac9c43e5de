using Microsoft.ML.RemBert.MLNet.Trainers;
using Microsoft.ML.RemBert.Checkpoints.Hub;
using Microsoft.ML.RemBert.Modeling;

namespace Microsoft.ML.RemBert.Trainers;

/// <summary>
/// Options of <c>mlContext.Transforms.ApplyRemBertModel</c>: scores data with a checkpoint already fine-tuned (for
/// example in Python with transformers) without training it again. The task comes from config.json's
/// <c>architectures</c> (and <c>problem_type</c> / the label count for sequence classification), or from
/// <see cref="Task"/> where that is ambiguous; the column options are those of the matching trainer's options, with
/// the same defaults, and only the task's own are read. Values are checked when the estimator is fitted (or its output
/// schema asked); an invalid one is an <see cref="ArgumentException"/> naming the option and the value.
/// </summary>
public sealed class RemBertApplyOptions
{
    /// <summary>
    /// The fine-tuned checkpoint: a local transformers directory (config.json and weights in any layout the checkpoint
    /// loader reads) or a Hugging Face Hub id. It must hold a trained head (RemBertForSequenceClassification,
    /// ForTokenClassification, ForQuestionAnswering or ForMultipleChoice); a bare encoder is refused.
    /// </summary>
    public string Model { get; set; } = "";

    /// <summary>How a Hub id in <see cref="Model"/> is resolved and downloaded; null: from the environment (HF_* variables).</summary>
    public RemBertHubOptions? Hub { get; set; }

    /// <summary>
    /// The task, when config.json cannot tell: it names no <c>architectures</c>, or a 2-label sequence classifier is
    /// to be a binary classifier (<see cref="RemBertApplyTask.BinaryClassification"/>) rather than a 2-class text
    /// classifier (the default). Null: from config.json. A task config.json contradicts is an error naming both.
    /// </summary>
    public RemBertApplyTask? Task { get; set; }

    /// <summary>A SentencePiece <c>.model</c> file or a directory holding <c>sentencepiece.model</c>; null uses the checkpoint's own.</summary>
    public string? Tokenizer { get; set; }

    /// <summary>"cpu", "cuda", "cuda:N", or null/"auto" for CUDA when available.</summary>
    public string? Device { get; set; }

    /// <summary>The precision the model is loaded, scored and saved in (bfloat16 halves its memory and zip size).</summary>
    public RemBertPrecision Precision { get; set; } = RemBertPrecision.Float32;

    /// <summary>Rows per forward pass when the transformer scores data.</summary>
    public int InferenceBatchSize { get; set; } = 32;

    /// <summary>Tokens per model input, special tokens included (as the trainers' option of the same name): sentence tasks truncate, entities and answers use overlapping windows.</summary>
    public int MaxSequenceLength { get; set; } = 128;

    /// <summary>Sentence tasks and named entities (split on whitespace): the text column.</summary>
    public string Sentence1ColumnName { get; set; } = "Sentence1";

    /// <summary>Sentence tasks: an optional second text column, encoded as the pair sequence.</summary>
    public string? Sentence2ColumnName { get; set; }

    /// <summary>Named entities: an optional vector-of-text column of words (instead of splitting <see cref="Sentence1ColumnName"/>).</summary>
    public string? WordsColumnName { get; set; }

    /// <summary>Named entities: tokens shared by consecutive windows of a sentence longer than <see cref="MaxSequenceLength"/>.</summary>
    public int Stride { get; set; } = RemBertNamedEntityRecognitionOptions.DefaultStride;

    /// <summary>Question answering: the passage column.</summary>
    public string ContextColumnName { get; set; } = "Context";

    /// <summary>Question answering: the question column.</summary>
    public string QuestionColumnName { get; set; } = "Question";

    /// <summary>Question answering: tokens two consecutive context windows share; null: a third of <see cref="MaxSequenceLength"/>.</summary>
    public int? DocumentStride { get; set; }

    /// <summary>Question answering: answers output per row, best first.</summary>
    public int TopK { get; set; } = 3;

    /// <summary>Question answering: the longest answer, in tokens.</summary>
    public int MaxAnswerLength { get; set; } = RemBertQuestionAnsweringOptions.DefaultMaxAnswerLength;

    /// <summary>Multiple choice: the prompt column.</summary>
    public string PromptColumnName { get; set; } = "Prompt";

    /// <summary>Multiple choice: the choices column, a vector of text with the same count in every row.</summary>
    public string ChoicesColumnName { get; set; } = "Choices";

    /// <summary>
    /// Multiple choice: choices per row (a trained zip knows it from its training data; a checkpoint does not). Null:
    /// the choices column's size when it is a known-size vector, else the first row's count of the data given to <c>Fit</c>.
    /// </summary>
    public int? ChoiceCount { get; set; }

    /// <summary>Text and binary classification (as their trainers' option): the predicted label column.</summary>
    public string PredictionColumnName { get; set; } = "PredictedLabel";

    /// <summary>Named entities and multiple choice (as their trainers' option): the predicted label column.</summary>
    public string PredictedLabelColumnName { get; set; } = "PredictedLabel";

    /// <summary>Every task: the score column (probabilities, the regression value, per-word or per-answer scores).</summary>
    public string ScoreColumnName { get; set; } = "Score";

    /// <summary>Multi-label classification (as its trainer's option): the vector of the predicted labels' names.</summary>
    public string PredictedLabelsColumnName { get; set; } = "PredictedLabels";

    /// <summary>Multi-label classification (as its trainer's option): a label is predicted when its probability is over this.</summary>
    public float Threshold { get; set; } = 0.5f;

    /// <summary>Binary classification: the probability of true.</summary>
    public string ProbabilityColumnName { get; set; } = "Probability";

    /// <summary>Question answering: the answers column.</summary>
    public string PredictedAnswerColumnName { get; set; } = "Answer";

    /// <summary>Question answering: the answers' character starts in the context.</summary>
    public string AnswerStartColumnName { get; set; } = "AnswerStart";

    /// <summary>Throws naming the first invalid option and its value.</summary>
    internal void Validate()
    {
        if (string.IsNullOrWhiteSpace(Model))
            throw new ArgumentException($"{nameof(Model)} is empty: give a fine-tuned checkpoint directory or Hub id.", nameof(Model));
        if (Task is { } task && !Enum.IsDefined(task))
            throw new ArgumentOutOfRangeException(nameof(Task), task, $"{nameof(Task)} is {task}; it must be one of {string.Join(", ", Enum.GetNames<RemBertApplyTask>())}.");
        if (!Enum.IsDefined(Precision))
            throw new ArgumentOutOfRangeException(nameof(Precision), Precision, $"{nameof(Precision)} is {Precision}; it must be {RemBertPrecisions.AcceptedNames}.");
        AtLeast(InferenceBatchSize, 1, nameof(InferenceBatchSize));
        AtLeast(MaxSequenceLength, 3, nameof(MaxSequenceLength));
    }

    /// <summary>Throws naming the first invalid option of <paramref name="task"/>'s own (the other tasks' options are not read).</summary>
    internal void Validate(RemBertApplyTask task)
    {
        if (task == RemBertApplyTask.QuestionAnswering)
        {
            AtLeast(TopK, 1, nameof(TopK));
            AtLeast(MaxAnswerLength, 1, nameof(MaxAnswerLength));
        }
        if (task == RemBertApplyTask.MultiLabelClassification)
            MultiLabelProblem.CheckThreshold(Threshold, nameof(Threshold));
        if (task == RemBertApplyTask.MultipleChoice && ChoiceCount is int choices)
            AtLeast(choices, 2, nameof(ChoiceCount));
        if (task == RemBertApplyTask.NamedEntityRecognition && (Stride < 0 || Stride >= MaxSequenceLength - 2))
            throw new ArgumentOutOfRangeException(nameof(Stride), Stride, $"{nameof(Stride)} is {Stride}; it must be at least 0 and less than MaxSequenceLength - 2 = {MaxSequenceLength - 2}.");
        if (task == RemBertApplyTask.QuestionAnswering && DocumentStride is int stride && (stride < 0 || stride >= MaxSequenceLength - 4))
            throw new ArgumentOutOfRangeException(nameof(DocumentStride), stride,
                $"{nameof(DocumentStride)} is {stride}; it must be between 0 and {MaxSequenceLength - 5} for MaxSequenceLength {MaxSequenceLength}.");
    }

    /// <summary>The stride question answering uses: <see cref="DocumentStride"/>, or a third of the maximum length (as the trainer).</summary>
    internal int EffectiveDocumentStride => DocumentStride ?? MaxSequenceLength / 3;

    /// <summary>Throws naming <paramref name="option"/> when the column name it holds is empty (checked only for the task's own columns).</summary>
    internal static string RequireColumn(string? name, string option)
        => string.IsNullOrWhiteSpace(name) ? throw new ArgumentException($"{option} is empty: name a column of the data.", option) : name;

    private static void AtLeast(int value, int minimum, string option)
    {
        if (value < minimum)
            throw new ArgumentOutOfRangeException(option, value, $"{option} is {value}; it must be at least {minimum}.");
    }
}
