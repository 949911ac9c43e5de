namespace Microsoft.ML.RemBert.Tokenization.SentencePiece;

/// <summary>TrainerSpec.ModelType.</summary>
internal enum SentencePieceModelType
{
    Unigram = 1,
    Bpe = 2,
    Word = 3,
    Char = 4,
}
