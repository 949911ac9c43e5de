using Microsoft.ML.RemBert.MLNet.Trainers;

namespace Microsoft.ML.RemBert.Trainers;

/// <summary>
/// Options shared by the sentence-level trainers (text classification, binary classification, regression): one label
/// per row, predicted from one text or a text pair.
/// </summary>
public abstract class RemBertSentenceTrainerOptions : RemBertTrainerOptions
{
    /// <summary>The default <see cref="MaxWindows"/>.</summary>
    public const int DefaultMaxWindows = 8;

    /// <summary>The label column.</summary>
    public string LabelColumnName { get; set; } = "Label";

    /// <summary>The text column (the first sequence).</summary>
    public string Sentence1ColumnName { get; set; } = "Sentence1";

    /// <summary>An optional second text column, encoded as the pair sequence (<c>[CLS] A [SEP] B [SEP]</c>).</summary>
    public string? Sentence2ColumnName { get; set; }

    /// <summary>
    /// An optional Single column weighting each training row in the loss (the loss is the weighted mean,
    /// Σ wᵢ·lossᵢ / Σ wᵢ); null weighs every row 1. Weights must be finite and at least 0 (0 leaves the row out);
    /// they do not weight the validation metric. As ML.NET's trainers' ExampleWeightColumnName.
    /// </summary>
    public string? ExampleWeightColumnName { get; set; }

    /// <summary>
    /// What happens to a text longer than <see cref="RemBertTrainerOptions.MaxSequenceLength"/>:
    /// <see cref="LongTextStrategy.Truncate"/> (default) or <see cref="LongTextStrategy.Windows"/>. Saved with the model,
    /// so scoring treats long texts as training did.
    /// </summary>
    public LongTextStrategy LongTextStrategy { get; set; } = LongTextStrategy.Truncate;

    /// <summary>
    /// With <see cref="LongTextStrategy.Windows"/>: tokens shared by consecutive windows (transformers' <c>stride</c>);
    /// null uses a quarter of <see cref="RemBertTrainerOptions.MaxSequenceLength"/> (32 at 128, NER's default).
    /// </summary>
    public int? Stride { get; set; }

    /// <summary>With <see cref="LongTextStrategy.Windows"/>: windows per row at most (the rest of a longer text is ignored), which caps a row's cost.</summary>
    public int MaxWindows { get; set; } = DefaultMaxWindows;

    /// <summary>The stride used: <see cref="Stride"/>, or a quarter of the maximum length.</summary>
    internal int EffectiveStride => Stride ?? MaxSequenceLength / 4;

    internal override void Validate()
    {
        base.Validate();
        RequireColumnName(LabelColumnName, nameof(LabelColumnName));
        RequireColumnName(Sentence1ColumnName, nameof(Sentence1ColumnName));
        if (Sentence2ColumnName is not null)
            RequireColumnName(Sentence2ColumnName, nameof(Sentence2ColumnName));
        if (ExampleWeightColumnName is not null)
            RequireColumnName(ExampleWeightColumnName, nameof(ExampleWeightColumnName));
        if (!Enum.IsDefined(LongTextStrategy))
            throw new ArgumentOutOfRangeException(nameof(LongTextStrategy), LongTextStrategy,
                $"{nameof(LongTextStrategy)} is {LongTextStrategy}; it must be {string.Join(" or ", Enum.GetNames<LongTextStrategy>())}.");
        if (LongTextStrategy == LongTextStrategy.Windows)
            SequenceWindowing.Validate(MaxSequenceLength, EffectiveStride, MaxWindows, Sentence2ColumnName is not null);
    }

    /// <summary>The windowing these options ask for; null for <see cref="LongTextStrategy.Truncate"/>.</summary>
    internal SequenceWindowing? Windowing => LongTextStrategy == LongTextStrategy.Windows
        ? new SequenceWindowing(EffectiveStride, MaxWindows)
        : null;
}
