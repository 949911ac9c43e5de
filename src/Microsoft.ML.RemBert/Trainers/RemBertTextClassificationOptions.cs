namespace Microsoft.ML.RemBert.Trainers;

/// <summary>
/// Options of <c>mlContext.MulticlassClassification.Trainers.RemBert</c>: fine-tunes RemBERT to classify a text (or a
/// text pair) into the classes of a key-typed label column.
/// </summary>
public sealed class RemBertTextClassificationOptions : RemBertSentenceTrainerOptions
{
    /// <summary>The predicted class: a key of the label's key type.</summary>
    public string PredictionColumnName { get; set; } = "PredictedLabel";

    /// <summary>The probability of every class (a vector summing to 1, slot names = class names).</summary>
    public string ScoreColumnName { get; set; } = "Score";

    internal override void Validate()
    {
        base.Validate();
        RequireColumnName(PredictionColumnName, nameof(PredictionColumnName));
        RequireColumnName(ScoreColumnName, nameof(ScoreColumnName));
    }
}
