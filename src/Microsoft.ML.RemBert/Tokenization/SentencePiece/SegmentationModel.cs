namespace Microsoft.ML.RemBert.Tokenization.SentencePiece;

/// <summary>Splits normalized UTF-8 into pieces (sentencepiece's ModelInterface::Encode).</summary>
internal abstract class SegmentationModel
{
    /// <summary>Writes the pieces of <paramref name="normalized"/> to <see cref="EncoderScratch.PieceStart"/> etc.
    /// (resetting <see cref="EncoderScratch.PieceCount"/>); unknown segments get the vocabulary's unknown id.</summary>
    public abstract void Segment(ReadOnlySpan<byte> normalized, EncoderScratch scratch);
}
