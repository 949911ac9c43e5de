namespace Microsoft.ML.RemBert.Tokenization.SentencePiece;

/// <summary>NormalizerSpec (also used for the optional denormalizer).</summary>
internal sealed record NormalizerSpecProto
{
    public string Name { get; init; } = "";
    public byte[] PrecompiledCharsMap { get; init; } = [];
    public bool AddDummyPrefix { get; init; } = true;
    public bool RemoveExtraWhitespaces { get; init; } = true;
    public bool EscapeWhitespaces { get; init; } = true;
}
