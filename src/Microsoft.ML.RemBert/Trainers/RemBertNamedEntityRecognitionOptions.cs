namespace Microsoft.ML.RemBert.Trainers;

/// <summary>
/// Options of <c>mlContext.MulticlassClassification.Trainers.RemBertNamedEntityRecognition</c>: fine-tunes RemBERT to
/// tag every word of a sentence (BIO / IOB2 tags such as <c>B-PER</c>, <c>I-PER</c>, <c>O</c>) with
/// transformers' RemBertForTokenClassification.
/// </summary>
/// <remarks>
/// Each word is tokenized on its own, as transformers does with <c>is_split_into_words=True</c>; the first piece of a
/// word learns and predicts its tag, its other pieces and the special tokens are ignored (label -100). A word the
/// tokenizer turns into no piece at all (e.g. an empty string in <see cref="WordsColumnName"/>) is read as the
/// unknown token, so it still gets a tag. Sentences longer than <see cref="RemBertTrainerOptions.MaxSequenceLength"/>
/// are covered by overlapping windows (<see cref="Stride"/> tokens shared by consecutive windows): every window is
/// trained on, and each word is predicted from the window where its first piece has the most context on both sides.
/// </remarks>
public sealed class RemBertNamedEntityRecognitionOptions : RemBertTrainerOptions
{
    /// <summary>The default <see cref="Stride"/>.</summary>
    public const int DefaultStride = 32;

    /// <summary>
    /// The text column, split into words on whitespace (like Python's <c>str.split()</c>). Not read when
    /// <see cref="WordsColumnName"/> is set.
    /// </summary>
    public string Sentence1ColumnName { get; set; } = "Sentence1";

    /// <summary>
    /// An optional column of words, a vector of text (for languages written without spaces, e.g. Japanese, Chinese or
    /// Thai, or for a tokenization of your own); null splits <see cref="Sentence1ColumnName"/> on whitespace.
    /// </summary>
    public string? WordsColumnName { get; set; }

    /// <summary>The tags, a vector of keys with one key per word (e.g. <c>MapValueToKey</c> over a vector of tag strings); the key values name the tags and must be BIO/IOB2 (or IOBES) tags.</summary>
    public string LabelColumnName { get; set; } = "Label";

    /// <summary>The predicted tags: a vector of keys of the label's key type (its KeyValues kept), exactly one per word, so <c>MapKeyToValue</c> gives the tag strings.</summary>
    public string PredictedLabelColumnName { get; set; } = "PredictedLabel";

    /// <summary>
    /// The per-word scores: a vector of Single with one value per word, the softmax probability of the word's
    /// predicted tag (as transformers' token-classification pipeline reports it).
    /// </summary>
    public string ScoreColumnName { get; set; } = "Score";

    /// <summary>
    /// Tokens shared by consecutive windows of a sentence longer than <see cref="RemBertTrainerOptions.MaxSequenceLength"/>
    /// (transformers' <c>stride</c>); at least 0 and less than <c>MaxSequenceLength - 2</c> (the tokens of a window besides <c>[CLS]</c> and <c>[SEP]</c>).
    /// </summary>
    public int Stride { get; set; } = DefaultStride;

    internal override void Validate()
    {
        base.Validate();
        if (WordsColumnName is null)
            RequireColumnName(Sentence1ColumnName, nameof(Sentence1ColumnName));
        else
            RequireColumnName(WordsColumnName, nameof(WordsColumnName));
        RequireColumnName(LabelColumnName, nameof(LabelColumnName));
        RequireColumnName(PredictedLabelColumnName, nameof(PredictedLabelColumnName));
        RequireColumnName(ScoreColumnName, nameof(ScoreColumnName));
        if (PredictedLabelColumnName == ScoreColumnName)
            throw new ArgumentException($"{nameof(PredictedLabelColumnName)} and {nameof(ScoreColumnName)} are both '{ScoreColumnName}': name two different columns.", nameof(ScoreColumnName));
        int windowTokens = MaxSequenceLength - 2;
        if (Stride < 0 || Stride >= windowTokens)
            throw new ArgumentOutOfRangeException(nameof(Stride), Stride,
                $"Stride is {Stride}; it must be at least 0 and less than MaxSequenceLength - 2 = {windowTokens} (the tokens of a window besides [CLS] and [SEP]).");
    }
}
