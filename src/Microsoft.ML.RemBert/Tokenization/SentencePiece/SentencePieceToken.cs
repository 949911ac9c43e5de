namespace Microsoft.ML.RemBert.Tokenization.SentencePiece;

/// <summary>One piece produced by <see cref="SentencePieceProcessor.Encode"/>.</summary>
/// <param name="Id">The piece id in the model's vocabulary.</param>
/// <param name="Start">UTF-16 offset into the ORIGINAL (un-normalized) text of the first character that produced the piece.</param>
/// <param name="Length">UTF-16 length of the original characters that produced the piece, excluding whitespace that became '▁'.</param>
public readonly record struct SentencePieceToken(int Id, int Start, int Length);
