namespace Microsoft.ML.RemBert.Trainers;

/// <summary>
/// Options of <c>mlContext.Regression.Trainers.RemBert</c>: fine-tunes RemBERT to predict a Single value of a text or,
/// typically, a text pair (e.g. a similarity).
/// </summary>
public sealed class RemBertRegressionOptions : RemBertSentenceTrainerOptions
{
    /// <summary>The predicted value (Single).</summary>
    public string ScoreColumnName { get; set; } = "Score";

    internal override void Validate()
    {
        base.Validate();
        RequireColumnName(ScoreColumnName, nameof(ScoreColumnName));
    }
}
