using System.Text;
using Microsoft.ML.RemBert.Tokenization;
using Xunit;
using static Microsoft.ML.RemBert.Tests.Tokenization.FixtureTokenizer;

namespace Microsoft.ML.RemBert.Tests.Tokenization;

/// <summary>Offsets point into the caller's original text, whatever preprocessing rewrote.</summary>
public class OffsetTests
{
    private const char SentencePieceSpace = '▁';

    [SkippableTheory]
    [InlineData("Café naïve résumé")]
    [InlineData("ＡＢＣ１２３ full-width")]
    [InlineData("Le renard brun saute par-dessus le chien.")]
    [InlineData("東京は日本の首都です。")]
    [InlineData("Привет, как дела?")]
    [InlineData("  spaced \t out  ")]
    public void EachTokensOriginalSlice_NormalizesToItsPiece(string text)
    {
        var tokenizer = Load();
        var encoding = tokenizer.Encode(text);
        for (var i = 0; i < encoding.InputIds.Length; i++)
        {
            if (encoding.SequenceIds[i] != 0) continue;
            var (start, end) = encoding.Offsets[i];
            var piece = tokenizer.SentencePiece.IdToPiece(encoding.InputIds[i]).TrimStart(SentencePieceSpace);
            var slice = text[start..end];
            if (encoding.InputIds[i] == Unk) Assert.NotEqual("", slice);
            else Assert.Equal(piece, slice.Normalize(NormalizationForm.FormKC));
        }
    }

    [SkippableTheory]
    [InlineData(false, true, true)]
    [InlineData(true, false, true)]
    [InlineData(true, true, false)]
    public void OverTheMultilingualCorpus_OffsetsStayOrderedAndInsideTheText(bool keepAccents, bool removeSpace, bool keepCase)
    {
        var tokenizer = Load(new RemBertTokenizerOptions { KeepAccents = keepAccents, RemoveSpace = removeSpace, DoLowerCase = !keepCase });
        foreach (var line in File.ReadLines(Infrastructure.TestPaths.TestData("sentencepiece", "corpus.txt")))
        {
            var encoding = tokenizer.Encode(line, options: new RemBertEncodeOptions { AddSpecialTokens = false });
            var previousStart = 0;
            foreach (var (start, end) in encoding.Offsets)
            {
                Assert.True(start >= previousStart && start <= end && end <= line.Length, $"offset ({start}, {end}) in \"{line}\"");
                previousStart = start;
            }
        }
    }

    [SkippableFact]
    public void FullWidth_SlicesAreTheFullWidthCharacters()
    {
        // ▁A B C 12 3 ▁ full; the lone ▁ sits, empty, at the space it stands for.
        var encoding = Load().Encode("ＡＢＣ１２３ full", options: new RemBertEncodeOptions { AddSpecialTokens = false });
        Assert.Equal([87, 86, 70, 655, 232, 5, 4134], encoding.InputIds);
        Assert.Equal([(0, 1), (1, 2), (2, 3), (3, 5), (5, 6), (6, 6), (7, 11)], encoding.Offsets);
    }

    [SkippableFact]
    public void RemoveSpace_OffsetsSkipTheCollapsedWhitespace()
    {
        var encoding = Load().Encode("  Hello \t  world  ", options: new RemBertEncodeOptions { AddSpecialTokens = false });
        Assert.Equal([2117, 2555, 254, 99, 318], encoding.InputIds);
        Assert.Equal([(2, 4), (4, 7), (11, 12), (12, 14), (14, 16)], encoding.Offsets);
    }

    [SkippableFact]
    public void StrippedAccents_StillPointAtTheAccentedCharacters()
    {
        // keep_accents=false: "Cafe naive resume" → ▁Ca fe ▁na ive ▁re sum e (spm_encode of the stripped text).
        var encoding = Load(new RemBertTokenizerOptions { KeepAccents = false })
            .Encode("Café naïve résumé", options: new RemBertEncodeOptions { AddSpecialTokens = false });
        Assert.Equal([854, 848, 562, 1589, 105, 2060, 14], encoding.InputIds);
        Assert.Equal([(0, 2), (2, 4), (5, 7), (7, 10), (11, 13), (13, 16), (16, 17)], encoding.Offsets);
    }

    [SkippableFact]
    public void LowerCasing_KeepsOffsets_CharacterByCharacter()
    {
        var tokenizer = Load(new RemBertTokenizerOptions { DoLowerCase = true });
        var noSpecial = new RemBertEncodeOptions { AddSpecialTokens = false };
        // "hello world" → ▁ he llo ▁w or ld
        var encoding = tokenizer.Encode("HELLO World", options: noSpecial);
        Assert.Equal([5, 494, 2555, 254, 99, 318], encoding.InputIds);
        Assert.Equal([(0, 2), (2, 5), (6, 7), (7, 9), (9, 11)], encoding.Offsets[1..]);
        // transformers lowers one character at a time: "ΣΟΦΟΣ" → "σοφοσ" (no final ς) → ▁ σ ο φ ο σ
        Assert.Equal([5, 305, 171, 1034, 171, 305], tokenizer.Encode("ΣΟΦΟΣ", options: noSpecial).InputIds);
        // Special tokens are not lower-cased.
        Assert.Equal([Cls, Mask, Sep], tokenizer.Encode("[MASK]").InputIds);
    }

    [SkippableFact]
    public void PairOffsets_PointIntoThePairText()
    {
        // "big world" → ▁ big ▁w or ld: "big" is the pair's second token.
        var encoding = Load().Encode("Hello", "big world");
        var pairStart = Array.IndexOf(encoding.SequenceIds, 1);
        Assert.Equal((0, 3), encoding.Offsets[pairStart + 1]);
        Assert.Equal((4, 5), encoding.Offsets[pairStart + 2]);
    }
}
