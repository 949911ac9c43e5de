namespace Microsoft.ML.RemBert.Tokenization.SentencePiece;

/// <summary>
/// sentencepiece's WORD model: the normalized text split before every '▁' (SplitIntoWords with its defaults, which
/// the 0.1.97 word model uses regardless of treat_whitespace_as_suffix), each word looked up whole.
/// </summary>
internal sealed class WordModel(SentencePieceVocabulary vocabulary) : SegmentationModel
{
    public override void Segment(ReadOnlySpan<byte> normalized, EncoderScratch scratch)
    {
        scratch.PieceCount = 0;
        var space = Utf8Util.SpaceSymbol;
        var wordStart = 0;
        for (var pos = 0; pos < normalized.Length;)
        {
            var length = Math.Min(Utf8Util.OneCharLength(normalized[pos]), normalized.Length - pos);
            if (pos > 0 && normalized.Slice(pos, length).SequenceEqual(space))
            {
                scratch.AddPiece(wordStart, pos - wordStart, vocabulary.PieceToId(normalized[wordStart..pos]));
                wordStart = pos;
            }
            pos += length;
        }
        if (normalized.Length > 0)
            scratch.AddPiece(wordStart, normalized.Length - wordStart, vocabulary.PieceToId(normalized.Slice(wordStart)));
    }
}
