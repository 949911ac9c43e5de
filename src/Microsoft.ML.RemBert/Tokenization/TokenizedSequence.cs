namespace Microsoft.ML.RemBert.Tokenization;

/// <summary>The tokens of one text (no special tokens added): ids and their character ranges in that text.</summary>
internal sealed class TokenizedSequence
{
    public TokenizedSequence(int[] ids, (int Start, int End)[] offsets)
    {
        if (ids.Length != offsets.Length) throw new ArgumentException($"{ids.Length} ids but {offsets.Length} offsets.", nameof(offsets));
        Ids = ids;
        Offsets = offsets;
    }

    /// <summary>A sequence with no tokens (the absent pair).</summary>
    public static TokenizedSequence Empty { get; } = new([], []);

    public int[] Ids { get; }
    public (int Start, int End)[] Offsets { get; }
    public int Count => Ids.Length;
}
