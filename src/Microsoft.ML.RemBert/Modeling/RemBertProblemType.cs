namespace Microsoft.ML.RemBert.Modeling;

/// <summary>
/// The values of config.json's <c>problem_type</c>, which choose the sequence-classification loss exactly as in
/// transformers.
/// </summary>
public static class RemBertProblemType
{
    /// <summary>Mean squared error on the logits.</summary>
    public const string Regression = "regression";

    /// <summary>Cross entropy over the labels, one integer label per row.</summary>
    public const string SingleLabelClassification = "single_label_classification";

    /// <summary>Binary cross entropy with logits, one 0/1 float target per label.</summary>
    public const string MultiLabelClassification = "multi_label_classification";

    /// <summary>Every accepted value.</summary>
    public static IReadOnlyList<string> All { get; } = new[] { Regression, SingleLabelClassification, MultiLabelClassification };
}
