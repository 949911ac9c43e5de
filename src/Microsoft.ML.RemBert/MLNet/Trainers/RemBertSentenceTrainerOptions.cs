namespace Microsoft.ML.RemBert.Trainers;

/// <summary>
/// Options shared by the sentence-level trainers (text classification, binary classification, regression): one label
/// per row, predicted from one text or a text pair.
/// </summary>
public abstract class RemBertSentenceTrainerOptions : RemBertTrainerOptions
{
    /// <summary>The label column.</summary>
    public string LabelColumnName { get; set; } = "Label";

    /// <summary>The text column (the first sequence).</summary>
    public string Sentence1ColumnName { get; set; } = "Sentence1";

    /// <summary>An optional second text column, encoded as the pair sequence (<c>[CLS] A [SEP] B [SEP]</c>).</summary>
    public string? Sentence2ColumnName { get; set; }

    internal override void Validate()
    {
        base.Validate();
        RequireColumnName(LabelColumnName, nameof(LabelColumnName));
        RequireColumnName(Sentence1ColumnName, nameof(Sentence1ColumnName));
        if (Sentence2ColumnName is not null)
            RequireColumnName(Sentence2ColumnName, nameof(Sentence2ColumnName));
    }
}
