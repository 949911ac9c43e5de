namespace Microsoft.ML.RemBert.Tokenization.SentencePiece;

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
