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

/// <summary>TrainerSpec.ModelType.</summary>
internal enum SentencePieceModelType
{
    Unigram = 1,
    Bpe = 2,
    Word = 3,
    Char = 4,
}

/// <summary>One vocabulary entry; <see cref="Utf8"/> is the exact key the encoder matches.</summary>
internal sealed record PieceProto(string Piece, byte[] Utf8, float Score, PieceType Type);

/// <summary>The TrainerSpec fields that change encoding or decoding (defaults are sentencepiece's).</summary>
internal sealed record TrainerSpecProto
{
    public SentencePieceModelType ModelType { get; init; } = SentencePieceModelType.Unigram;
    public bool TreatWhitespaceAsSuffix { get; init; }
    public bool AllowWhitespaceOnlyPieces { get; init; }
    public bool ByteFallback { get; init; }
    public string UnkPiece { get; init; } = "<unk>";
    public string BosPiece { get; init; } = "<s>";
    public string EosPiece { get; init; } = "</s>";
    public string PadPiece { get; init; } = "<pad>";
    /// <summary>What decoding prints for the unknown piece; null when the model leaves the default.</summary>
    public string? UnkSurface { get; init; }
}

/// <summary>NormalizerSpec (also used for the optional denormalizer).</summary>
internal sealed record NormalizerSpecProto
{
    public string Name { get; init; } = "";
    public byte[] PrecompiledCharsMap { get; init; } = [];
    public bool AddDummyPrefix { get; init; } = true;
    public bool RemoveExtraWhitespaces { get; init; } = true;
    public bool EscapeWhitespaces { get; init; } = true;
}

/// <summary>The parts of a serialized sentencepiece ModelProto that encoding and decoding use.</summary>
internal sealed record ModelProto(
    IReadOnlyList<PieceProto> Pieces,
    TrainerSpecProto TrainerSpec,
    NormalizerSpecProto NormalizerSpec,
    NormalizerSpecProto? DenormalizerSpec);
