namespace Microsoft.ML.RemBert.Tokenization;

public sealed partial class RemBertTokenizer
{
    /// <summary><c>[CLS] ids0 [SEP]</c> or <c>[CLS] ids0 [SEP] ids1 [SEP]</c> (transformers' <c>build_inputs_with_special_tokens</c>).</summary>
    public int[] BuildInputsWithSpecialTokens(IReadOnlyList<int> ids0, IReadOnlyList<int>? ids1 = null)
    {
        ArgumentNullException.ThrowIfNull(ids0);
        var result = new List<int>(ids0.Count + (ids1?.Count ?? 0) + EncodingAssembler.SpecialTokenCount(ids1 is not null, addSpecialTokens: true))
        {
            ClsTokenId,
        };
        result.AddRange(ids0);
        result.Add(SepTokenId);
        if (ids1 is not null)
        {
            result.AddRange(ids1);
            result.Add(SepTokenId);
        }
        return result.ToArray();
    }

    /// <summary>1 where <see cref="BuildInputsWithSpecialTokens"/> puts a special token, 0 elsewhere; with
    /// <paramref name="alreadyHasSpecialTokens"/>, 1 for every [CLS] and [SEP] already in <paramref name="ids0"/>
    /// (transformers' <c>get_special_tokens_mask</c>).</summary>
    /// <exception cref="ArgumentException"><paramref name="ids1"/> given together with <paramref name="alreadyHasSpecialTokens"/>.</exception>
    public int[] GetSpecialTokensMask(IReadOnlyList<int> ids0, IReadOnlyList<int>? ids1 = null, bool alreadyHasSpecialTokens = false)
    {
        ArgumentNullException.ThrowIfNull(ids0);
        const int Special = 1, Ordinary = 0;
        if (alreadyHasSpecialTokens)
        {
            if (ids1 is not null)
                throw new ArgumentException("A second sequence cannot be given when the ids already hold their special tokens.", nameof(ids1));
            return ids0.Select(id => id == ClsTokenId || id == SepTokenId ? Special : Ordinary).ToArray();
        }
        var mask = new List<int> { Special };
        mask.AddRange(Enumerable.Repeat(Ordinary, ids0.Count));
        mask.Add(Special);
        if (ids1 is not null)
        {
            mask.AddRange(Enumerable.Repeat(Ordinary, ids1.Count));
            mask.Add(Special);
        }
        return mask.ToArray();
    }

    /// <summary>0 for <c>[CLS] ids0 [SEP]</c>, 1 for <c>ids1 [SEP]</c> (transformers' <c>create_token_type_ids_from_sequences</c>).</summary>
    public int[] CreateTokenTypeIdsFromSequences(IReadOnlyList<int> ids0, IReadOnlyList<int>? ids1 = null)
    {
        ArgumentNullException.ThrowIfNull(ids0);
        const int FirstType = 0, SecondType = 1;
        const int ClsAndSep = 2, Sep = 1;
        var first = Enumerable.Repeat(FirstType, ids0.Count + ClsAndSep);
        return ids1 is null ? first.ToArray() : first.Concat(Enumerable.Repeat(SecondType, ids1.Count + Sep)).ToArray();
    }
}
