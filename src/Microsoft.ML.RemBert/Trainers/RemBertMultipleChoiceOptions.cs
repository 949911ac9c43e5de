namespace Microsoft.ML.RemBert.Trainers;

/// <summary>
/// Options of <c>mlContext.MulticlassClassification.Trainers.RemBertMultipleChoice</c>: fine-tunes RemBERT to pick, for a
/// prompt, the right one of several candidate texts (transformers' RemBertForMultipleChoice: every choice is encoded as
/// <c>[CLS] prompt [SEP] choice [SEP]</c> and scored, and the scores of a row's choices are its logits).
/// </summary>
public sealed class RemBertMultipleChoiceOptions : RemBertTrainerOptions
{
    /// <summary>The prompt (question, context, first sentence): a text column.</summary>
    public string PromptColumnName { get; set; } = "Prompt";

    /// <summary>
    /// The candidate texts: a vector of text with the same number of choices in every row (at least 2); a known-size
    /// vector or a variable one. A row with another count is an error naming the row, the column and both counts.
    /// </summary>
    public string ChoicesColumnName { get; set; } = "Choices";

    /// <summary>
    /// The index of the right choice (0-based): a key whose key values are the choice indices (e.g. <c>MapValueToKey</c>
    /// over a UInt32 column of 0..n-1, in any key order: keys are mapped back through their KeyValues annotation), a
    /// key without key values (key k is choice k - 1), or a UInt32 or Int32 index.
    /// </summary>
    public string LabelColumnName { get; set; } = "Label";

    /// <summary>
    /// The predicted choice: a key of UInt32 with one value per choice whose KeyValues annotation holds the choice
    /// indices (UInt32), in the order of the label's keys. With a key label, key k means the same choice in the label and
    /// here; with an integer label, key k is choice k - 1. <c>MapKeyToValue</c> turns it into the choice index.
    /// </summary>
    public string PredictedLabelColumnName { get; set; } = "PredictedLabel";

    /// <summary>
    /// One softmax probability per choice, in the order of the label's keys (slot k - 1 is the class of key k; its slot
    /// name is that choice's index), so <c>MulticlassClassification.Evaluate</c> scores it against the label. With an
    /// integer label, or a key label whose keys are sorted by value, slot i is choice i.
    /// </summary>
    public string ScoreColumnName { get; set; } = "Score";

    /// <summary>
    /// An optional Single column weighting each training row in the loss (the weighted mean of the rows' cross
    /// entropies); null weighs every row 1. Weights must be finite and at least 0 (0 leaves the row out); they do not
    /// weight the validation accuracy. As ML.NET's trainers' ExampleWeightColumnName.
    /// </summary>
    public string? ExampleWeightColumnName { get; set; }

    internal override void Validate()
    {
        base.Validate();
        RequireColumnName(PromptColumnName, nameof(PromptColumnName));
        RequireColumnName(ChoicesColumnName, nameof(ChoicesColumnName));
        RequireColumnName(LabelColumnName, nameof(LabelColumnName));
        RequireColumnName(PredictedLabelColumnName, nameof(PredictedLabelColumnName));
        RequireColumnName(ScoreColumnName, nameof(ScoreColumnName));
        if (ExampleWeightColumnName is not null)
            RequireColumnName(ExampleWeightColumnName, nameof(ExampleWeightColumnName));
    }
}
