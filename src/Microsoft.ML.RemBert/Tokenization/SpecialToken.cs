using System.Buffers;

namespace Microsoft.ML.RemBert.Tokenization;

/// <summary>One special token as transformers' AddedToken describes it: found verbatim in raw text, never split.</summary>
/// <param name="Content">The literal text, e.g. "[MASK]".</param>
/// <param name="Id">Its vocabulary id.</param>
/// <param name="LeftStrip">Absorbs the whitespace before it (AddedToken.lstrip).</param>
/// <param name="RightStrip">Absorbs the whitespace after it (AddedToken.rstrip).</param>
internal readonly record struct SpecialToken(string Content, int Id, bool LeftStrip, bool RightStrip);
