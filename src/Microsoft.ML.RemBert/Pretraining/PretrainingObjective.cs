namespace Microsoft.ML.RemBert.Pretraining;

/// <summary>What <see cref="RemBertPretrainer"/> teaches the model.</summary>
public enum PretrainingObjective
{
    /// <summary>
    /// Masked language modelling with <c>RemBertForMaskedLM</c>, as transformers' <c>DataCollatorForLanguageModeling</c>:
    /// 15 % of the non-special tokens are chosen; of those 80 % become <c>[MASK]</c>, 10 % a random token, 10 % stay;
    /// the loss is over the chosen tokens only.
    /// </summary>
    MaskedLanguageModeling,

    /// <summary>Left-to-right language modelling with <c>RemBertForCausalLM</c> (<c>is_decoder: true</c>): every token predicts the next.</summary>
    CausalLanguageModeling,
}
