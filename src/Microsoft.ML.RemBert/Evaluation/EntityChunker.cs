namespace Microsoft.ML.RemBert.Evaluation;

/// <summary>
/// Turns a sentence's tags into entities exactly as seqeval's default (conlleval-compatible) mode does with
/// prefix tags: <c>B-</c>, <c>I-</c>, <c>E-</c>, <c>S-</c> and <c>O</c>, so IOB1, IOB2 (BIO), IOE and BIOES inputs
/// all chunk the way seqeval chunks them.
/// </summary>
/// <remarks>
/// The rules, per word, from the previous tag's prefix and type to the current one's:
/// <list type="bullet">
/// <item>an entity ends before the word when the previous prefix is <c>E</c> or <c>S</c>; when the previous is
/// <c>B</c>/<c>I</c> and the current is <c>B</c>, <c>S</c> or <c>O</c>; or when the previous is not <c>O</c> and the
/// type changes;</item>
/// <item>an entity starts at the word when its prefix is <c>B</c> or <c>S</c>; when it is <c>I</c>/<c>E</c> after
/// <c>O</c>, <c>E</c> or <c>S</c> (so <c>I-X</c> without <c>B-X</c> starts an entity); or when it is not <c>O</c> and
/// the type changes (a type change inside an entity starts a new one).</item>
/// </list>
/// The end of the sentence ends any open entity. seqeval only warns about a tag without one of these prefixes and
/// then reads its first letter as the prefix; we reject it (<see cref="FormatException"/>), since such a tag is
/// always a mistake (a label set in another scheme, or untagged text).
/// </remarks>
public static class EntityChunker
{
    /// <summary>Type seqeval gives to bare prefix tags (<c>B</c>, <c>I</c>, ...) and to <c>O</c>.</summary>
    public const string UntypedEntityType = "_";

    /// <summary>The entities of one sentence, in order.</summary>
    /// <param name="tags">One tag per word, e.g. <c>["B-PER", "I-PER", "O"]</c>.</param>
    /// <exception cref="FormatException">A tag is neither <c>O</c> nor starts with <c>B-</c>, <c>I-</c>, <c>E-</c>,
    /// <c>S-</c> (or is one of those letters alone); the message names the tag and its word index.</exception>
    public static List<NamedEntity> GetEntities(IReadOnlyList<string> tags)
    {
        ArgumentNullException.ThrowIfNull(tags);
        var entities = new List<NamedEntity>();
        var previousPrefix = 'O';
        // Not "_": the first word of a sentence always differs in type from "nothing before it".
        var previousType = string.Empty;
        var begin = 0;
        // One step past the last word with "O", which closes any open entity.
        for (var i = 0; i <= tags.Count; i++)
        {
            var (prefix, type) = i < tags.Count ? Split(tags[i], i) : ('O', UntypedEntityType);
            if (EndsBefore(previousPrefix, prefix, previousType, type))
                entities.Add(new NamedEntity(previousType, begin, i));
            if (StartsAt(previousPrefix, prefix, previousType, type))
                begin = i;
            previousPrefix = prefix;
            previousType = type;
        }
        return entities;
    }

    private static (char Prefix, string Type) Split(string tag, int index)
    {
        if (tag is null)
            throw new FormatException($"Tag at word {index} is missing (null).");
        if (tag.Length == 1 && IsPrefix(tag[0]))
            return (tag[0], UntypedEntityType);
        if (tag.Length >= 2 && tag[1] == '-' && tag[0] != 'O' && IsPrefix(tag[0]))
            return (tag[0], tag.Length == 2 ? UntypedEntityType : tag[2..]);
        throw new FormatException(
            $"Tag '{tag}' at word {index} is not O and does not start with B-, I-, E- or S- (tags must be IOB1, IOB2/BIO, IOE or BIOES with the scheme prefix first).");
    }

    private static bool IsPrefix(char c) => c is 'O' or 'B' or 'I' or 'E' or 'S';

    private static bool EndsBefore(char previousPrefix, char prefix, string previousType, string type)
        => previousPrefix is 'E' or 'S'
           || (previousPrefix is 'B' or 'I' && prefix is 'B' or 'S' or 'O')
           || (previousPrefix != 'O' && previousType != type);

    private static bool StartsAt(char previousPrefix, char prefix, string previousType, string type)
        => prefix is 'B' or 'S'
           || (prefix is 'I' or 'E' && previousPrefix is 'E' or 'S' or 'O')
           || (prefix != 'O' && previousType != type);
}
