namespace Microsoft.ML.RemBert.Tokenization.SentencePiece;

/// <summary>The parts of a serialized sentencepiece ModelProto that encoding and decoding use.</summary>
internal sealed record ModelProto(
    IReadOnlyList<PieceProto> Pieces,
    TrainerSpecProto TrainerSpec,
    NormalizerSpecProto NormalizerSpec,
    NormalizerSpecProto? DenormalizerSpec);
