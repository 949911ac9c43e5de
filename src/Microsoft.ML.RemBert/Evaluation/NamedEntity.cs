namespace Microsoft.ML.RemBert.Evaluation;

/// <summary>
/// One entity (chunk) found in a tag sequence: its type and the words it covers, <paramref name="Start"/> inclusive
/// to <paramref name="End"/> exclusive (word indices in the sentence).
/// </summary>
/// <param name="Type">Entity type: the tag without its prefix (<c>PER</c> for <c>B-PER</c>), or <c>_</c> for bare <c>B</c>/<c>I</c>/<c>E</c>/<c>S</c> tags, as seqeval names it.</param>
/// <param name="Start">Index of the first word.</param>
/// <param name="End">Index one past the last word.</param>
public readonly record struct NamedEntity(string Type, int Start, int End);
