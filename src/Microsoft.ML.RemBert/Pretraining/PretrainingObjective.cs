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

    /// <summary>
    /// ELECTRA's replaced-token detection: a small masked-LM generator (sharing the embedding tables) replaces the
    /// masked tokens with samples and the model learns, at every token, whether it was replaced. It learns more per
    /// step than masked LM. The model trained and saved is a <c>RemBertForMaskedLM</c> whose LM head is fitted
    /// alongside on the encoder's detached states, so it still fills masks.
    /// </summary>
    ReplacedTokenDetection,

    /// <summary>
    /// Translation ranking with masked LM alongside, for continued pretraining from
    /// <see cref="RemBertPretrainingOptions.InitialModel"/>: the corpus holds groups of translations (one group per line,
    /// its texts separated by tabs), and each batch pairs a text with a translation of it. The model encodes every text
    /// alone, and the <c>[CLS]</c> state of each must pick out its translation's among the batch's (in-batch softmax over
    /// cosine similarities, both directions), so sentences that mean the same get the same sentence state whatever the
    /// language: the state a classifier fine-tuned on a few examples per language reads. Masked LM on the same texts
    /// keeps the LM head in step with the encoder. Saves a <c>RemBertForMaskedLM</c>.
    /// </summary>
    TranslationRanking,
}
