namespace Microsoft.ML.RemBert.Modeling;

/// <summary>The transformers class names that config.json's <c>architectures</c> uses for RemBERT models.</summary>
public static class RemBertArchitectures
{
#pragma warning disable CS1591 // each constant is the transformers class of the same name
    public const string Model = "RemBertModel";
    public const string ForMaskedLM = "RemBertForMaskedLM";
    public const string ForCausalLM = "RemBertForCausalLM";
    public const string ForSequenceClassification = "RemBertForSequenceClassification";
    public const string ForMultipleChoice = "RemBertForMultipleChoice";
    public const string ForTokenClassification = "RemBertForTokenClassification";
    public const string ForQuestionAnswering = "RemBertForQuestionAnswering";
#pragma warning restore CS1591

    /// <summary>Every architecture <see cref="RemBertModelFactory.Create(RemBertConfig)"/> can build.</summary>
    public static IReadOnlyList<string> All { get; } = new[]
    {
        Model, ForMaskedLM, ForCausalLM, ForSequenceClassification, ForMultipleChoice, ForTokenClassification, ForQuestionAnswering,
    };
}
