namespace Microsoft.ML.RemBert.Tokenization;

/// <summary>The fields of a RemBERT checkpoint's <c>tokenizer_config.json</c> (serializable: plain get/init properties only).</summary>
public sealed record RemBertTokenizerOptions
{
    /// <summary>Lower-cases text (outside special tokens) before SentencePiece (<c>do_lower_case</c>).</summary>
    public bool DoLowerCase { get; init; } = false;

    /// <summary>Strips the text and collapses every whitespace run into one space (<c>remove_space</c>).</summary>
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

    /// <summary>Longest input the model accepts (<c>model_max_length</c>); the target of <see cref="PaddingStrategy.MaxLength"/> without an explicit length.</summary>
    public int ModelMaxLength { get; init; } = 512;
}
