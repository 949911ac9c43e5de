namespace Microsoft.ML.RemBert.Tokenization;

/// <summary>
/// The fields of a RemBERT checkpoint's <c>tokenizer_config.json</c> (serializable: plain get/init properties only).
/// Every option also has one row in <c>TokenizerOptionFields.All</c> (its JSON key and value kind), which the
/// tokenizer_config.json reader and the ML.NET zip entry use: a new option is a property here plus that row.
/// </summary>
public sealed record RemBertTokenizerOptions
{
    /// <summary>Lower-cases text (outside special tokens) before SentencePiece (<c>do_lower_case</c>).</summary>
    public bool DoLowerCase { get; init; } = false;

    /// <summary><c>remove_space</c>, kept for the round trip: transformers' RemBertTokenizer stores it without applying it, and
    /// so does this tokenizer (SentencePiece's normalizer collapses whitespace by itself).</summary>
    public bool RemoveSpace { get; init; } = true;

    /// <summary>When false, applies NFKD and drops combining marks (<c>keep_accents</c>).</summary>
    public bool KeepAccents { get; init; } = true;

    /// <summary>Classifier token that starts every encoding (<c>cls_token</c>).</summary>
    public string ClsToken { get; init; } = "[CLS]";

    /// <summary>Separator token that ends every sequence (<c>sep_token</c>).</summary>
    public string SepToken { get; init; } = "[SEP]";

    /// <summary>Padding token (<c>pad_token</c>).</summary>
    public string PadToken { get; init; } = "[PAD]";

    /// <summary>Unknown token (<c>unk_token</c>).</summary>
    public string UnkToken { get; init; } = "[UNK]";

    /// <summary>Masked-language-model token (<c>mask_token</c>); absorbs the whitespace before it in raw text.</summary>
    public string MaskToken { get; init; } = "[MASK]";

    /// <summary>The <see cref="ModelMaxLength"/> of a tokenizer_config.json that declares no limit (transformers writes int(1e30)).</summary>
    public const int UnlimitedModelMaxLength = int.MaxValue;

    /// <summary>Longest input the model accepts (<c>model_max_length</c>); the target of <see cref="PaddingStrategy.MaxLength"/> without an explicit length
    /// (no padding at all when it is <see cref="UnlimitedModelMaxLength"/>, as in transformers).</summary>
    public int ModelMaxLength { get; init; } = 512;
}
