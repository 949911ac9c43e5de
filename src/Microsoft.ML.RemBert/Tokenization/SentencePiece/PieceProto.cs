namespace Microsoft.ML.RemBert.Tokenization.SentencePiece;

/// <summary>One vocabulary entry; <see cref="Utf8"/> is the exact key the encoder matches.</summary>
internal sealed record PieceProto(string Piece, byte[] Utf8, float Score, PieceType Type);
