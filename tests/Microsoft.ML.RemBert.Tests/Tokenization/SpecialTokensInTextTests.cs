using Microsoft.ML.RemBert.Tokenization;
using Xunit;
using static Microsoft.ML.RemBert.Tests.Tokenization.FixtureTokenizer;

namespace Microsoft.ML.RemBert.Tests.Tokenization;

/// <summary>Special tokens typed in raw text (transformers splits on them before SentencePiece). Piece ids from the
/// fixture model: "Hello" → ▁He llo [2117, 2555]; "world" → ▁w or ld [254, 99, 318]; "a" → ▁a [45]; "b" → ▁b [341].</summary>
public class SpecialTokensInTextTests
{
    [SkippableFact]
    public void Mask_AbsorbsTheSpaceBeforeIt()
    {
        // "Hello " is stripped to "Hello" by [MASK]'s lstrip; " world" keeps its space, which SentencePiece turns into ▁.
        var encoding = Load().Encode("Hello [MASK] world");
        Assert.Equal([Cls, 2117, 2555, Mask, 254, 99, 318, Sep], encoding.InputIds);
        Assert.Equal((6, 12), encoding.Offsets[3]);
        Assert.Equal((13, 14), encoding.Offsets[4]);      // "w": the space that became ▁ is not part of it
        Assert.Equal([1, 0, 0, 0, 0, 0, 0, 1], encoding.SpecialTokensMask);   // a typed [MASK] is text, not an added special
        Assert.Equal([-1, 0, 0, 0, 0, 0, 0, -1], encoding.SequenceIds);
    }

    [SkippableFact]
    public void Mask_WithoutSpaceBefore_AndSeveralSpacesAround()
    {
        var tokenizer = Load();
        Assert.Equal([Cls, 2117, 2555, Mask, Sep], tokenizer.Encode("Hello[MASK]").InputIds);
        // "a  " is stripped to "a"; "  b" → ▁b (SentencePiece drops the extra leading space).
        Assert.Equal([Cls, 45, Mask, 341, Sep], tokenizer.Encode("a  [MASK]  b").InputIds);
        Assert.Equal([Cls, Mask, Sep], tokenizer.Encode("   [MASK]").InputIds);
    }

    [SkippableFact]
    public void ClsSepPadUnk_InText_AreSingleTokens()
    {
        var tokenizer = Load();
        Assert.Equal([Cls, 2117, 2555, Sep, 254, 99, 318, Sep], tokenizer.Encode("Hello [SEP]world").InputIds);
        Assert.Equal([Cls, Cls, Pad, Unk, Sep, Sep], tokenizer.Encode("[CLS][PAD] [UNK][SEP]").InputIds);
        // Without the split SentencePiece would cut "[MASK]" into ▁[ MA S K ].
        Assert.NotEqual([Mask], tokenizer.SentencePiece.EncodeToIds("[MASK]"));
    }

    [SkippableFact]
    public void SpecialTokensInThePair_BelongToTheSecondSequence()
    {
        var encoding = Load().Encode("Hello", "[MASK] world");
        Assert.Equal([Cls, 2117, 2555, Sep, Mask, 254, 99, 318, Sep], encoding.InputIds);
        Assert.Equal([0, 0, 0, 0, 1, 1, 1, 1, 1], encoding.TokenTypeIds);
        Assert.Equal((0, 6), encoding.Offsets[4]);
        Assert.Equal(1, encoding.SequenceIds[4]);
    }

    [SkippableFact]
    public void BuildInputs_Mask_TokenTypes_MatchTransformers()
    {
        var tokenizer = Load();
        int[] a = [10, 11], b = [20];
        Assert.Equal([Cls, 10, 11, Sep], tokenizer.BuildInputsWithSpecialTokens(a));
        Assert.Equal([Cls, 10, 11, Sep, 20, Sep], tokenizer.BuildInputsWithSpecialTokens(a, b));
        Assert.Equal([1, 0, 0, 1], tokenizer.GetSpecialTokensMask(a));
        Assert.Equal([1, 0, 0, 1, 0, 1], tokenizer.GetSpecialTokensMask(a, b));
        // With special tokens already in: only [CLS] and [SEP] count (as transformers' RemBertTokenizer), not [MASK].
        Assert.Equal([1, 0, 0, 1, 0, 1], tokenizer.GetSpecialTokensMask([Cls, 10, Mask, Sep, 20, Sep], alreadyHasSpecialTokens: true));
        Assert.Throws<ArgumentException>(() => tokenizer.GetSpecialTokensMask(a, b, alreadyHasSpecialTokens: true));
        Assert.Equal([0, 0, 0, 0], tokenizer.CreateTokenTypeIdsFromSequences(a));
        Assert.Equal([0, 0, 0, 0, 1, 1], tokenizer.CreateTokenTypeIdsFromSequences(a, b));
    }

    [SkippableFact]
    public void Encode_AgreesWithBuildInputs()
    {
        var tokenizer = Load();
        var a = tokenizer.Encode("Hello", options: new RemBertEncodeOptions { AddSpecialTokens = false }).InputIds;
        var b = tokenizer.Encode("world", options: new RemBertEncodeOptions { AddSpecialTokens = false }).InputIds;
        var pair = tokenizer.Encode("Hello", "world");
        Assert.Equal(tokenizer.BuildInputsWithSpecialTokens(a, b), pair.InputIds);
        Assert.Equal(tokenizer.CreateTokenTypeIdsFromSequences(a, b), pair.TokenTypeIds);
        Assert.Equal(tokenizer.GetSpecialTokensMask(a, b), pair.SpecialTokensMask);
    }
}
