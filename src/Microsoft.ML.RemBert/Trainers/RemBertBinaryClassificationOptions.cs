namespace Microsoft.ML.RemBert.Trainers;

/// <summary>
/// Options of <c>mlContext.BinaryClassification.Trainers.RemBert</c>: fine-tunes RemBERT to predict a Boolean label
/// of a text (or a text pair).
/// </summary>
public sealed class RemBertBinaryClassificationOptions : RemBertSentenceTrainerOptions
{
    /// <summary>The predicted label (Boolean).</summary>
    public string PredictionColumnName { get; set; } = "PredictedLabel";

    /// <summary>The log-odds of true (Single).</summary>
    public string ScoreColumnName { get; set; } = "Score";

    /// <summary>The probability of true (Single).</summary>
    public string ProbabilityColumnName { get; set; } = "Probability";

    internal override void Validate()
    {
        base.Validate();
        RequireColumnName(PredictionColumnName, nameof(PredictionColumnName));
        RequireColumnName(ScoreColumnName, nameof(ScoreColumnName));
        RequireColumnName(ProbabilityColumnName, nameof(ProbabilityColumnName));
    }
}
