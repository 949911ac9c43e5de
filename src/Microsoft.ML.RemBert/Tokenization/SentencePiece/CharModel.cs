namespace Microsoft.ML.RemBert.Tokenization.SentencePiece;

/// <summary>sentencepiece's CHAR model: one piece per character (user-defined symbols, longest match, stay whole).</summary>
internal sealed class CharModel(SentencePieceVocabulary vocabulary) : SegmentationModel
{
    private readonly ByteTrie? _userSymbols = vocabulary.UserSymbols.KeyCount > 0 ? vocabulary.UserSymbols : null;

    public override void Segment(ReadOnlySpan<byte> normalized, EncoderScratch scratch)
    {
        scratch.PieceCount = 0;
        for (var pos = 0; pos < normalized.Length;)
        {
            var rest = normalized.Slice(pos);
            var length = _userSymbols?.LongestPrefix(rest, out _) ?? 0;
            if (length == 0) length = Math.Min(Utf8Util.OneCharLength(rest[0]), rest.Length);
            scratch.AddPiece(pos, length, vocabulary.PieceToId(rest.Slice(0, length)));
            pos += length;
        }
    }
}
