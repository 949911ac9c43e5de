namespace Microsoft.ML.RemBert.Tokenization.SentencePiece;

/// <summary>ModelProto.SentencePiece.Type: how a piece takes part in encoding.</summary>
internal enum PieceType
{
    Normal = 1,
    Unknown = 2,
    Control = 3,
    UserDefined = 4,
    Unused = 5,
    Byte = 6,
}
