using Microsoft.ML.RemBert.MLNet.Trainers;

namespace Microsoft.ML.RemBert.Trainers;

/// <summary>
/// Options of <c>mlContext.MulticlassClassification.Trainers.RemBertMultiLabel</c>: fine-tunes RemBERT to give a text
/// (or a text pair) any number of labels from a label set, one sigmoid per label trained with binary cross entropy.
/// <see cref="RemBertSentenceTrainerOptions.LabelColumnName"/> holds each row's labels: a vector of text (the label
/// set is the training rows' distinct labels, sorted by ordinal) or a vector of keys with text KeyValues (the label set
/// is the key values, in key order). A row with no label is valid: every label is negative for it.
/// </summary>
public sealed class RemBertMultiLabelOptions : RemBertSentenceTrainerOptions
{
    /// <summary>A label is predicted when its probability is strictly greater than this (in [0, 1]; default 0.5).</summary>
    public float Threshold { get; set; } = 0.5f;

    /// <summary>The probability of every label (a vector, slot names = label names; the probabilities need not sum to 1).</summary>
    public string ScoreColumnName { get; set; } = "Score";

    /// <summary>The predicted labels: a vector of the names of the labels whose probability is over <see cref="Threshold"/>.</summary>
    public string PredictedLabelsColumnName { get; set; } = "PredictedLabels";

    internal override void Validate()
    {
        base.Validate();
        RequireColumnName(ScoreColumnName, nameof(ScoreColumnName));
        RequireColumnName(PredictedLabelsColumnName, nameof(PredictedLabelsColumnName));
        MultiLabelProblem.CheckThreshold(Threshold, nameof(Threshold));
    }
}
