using Microsoft.ML.RemBert.Tests.Infrastructure;
using Microsoft.ML.RemBert.Tokenization.SentencePiece;
using Microsoft.ML.RemBert.Tokenization;
using Xunit;
using static Microsoft.ML.RemBert.Tests.Tokenization.FixtureTokenizer;

namespace Microsoft.ML.RemBert.Tests.Tokenization;

public class DecodeTests
{
    [SkippableFact]
    public void PlainText_RoundTrips()
    {
        var tokenizer = Load();
        var texts = File.ReadAllLines(Path.Combine(TestPaths.Fixture("rembert-reference"), "texts.txt"))
            .SelectMany(line => line.Split('\t'))
            .Where(text => !text.Contains('京'))   // 京 is not in the 8k vocabulary: it becomes [UNK]
            .ToArray();
        Assert.True(texts.Length >= 8);
        foreach (var text in texts)
            Assert.Equal(text, tokenizer.Decode(tokenizer.Encode(text).InputIds, skipSpecialTokens: true));
    }

    [SkippableFact]
    public void SpecialTokens_AreWrittenOrSkipped()
    {
        var tokenizer = Load();
        int[] ids = [Cls, 2117, 2555, Mask, 254, 99, 318, Sep, Pad];
        Assert.Equal("[CLS] Hello [MASK] world [SEP] [PAD]", tokenizer.Decode(ids));
        Assert.Equal("Hello world", tokenizer.Decode(ids, skipSpecialTokens: true));
        // A skipped token inside a word does not split it.
        Assert.Equal("Hello", tokenizer.Decode([2117, Mask, 2555], skipSpecialTokens: true));
        Assert.Equal("東 [UNK] は", tokenizer.Decode(tokenizer.Encode("東京は", options: new RemBertEncodeOptions { AddSpecialTokens = false }).InputIds));
    }

    [Fact]
    public void BytePieces_AreReassembledIntoCharacters()
    {
        // bpe-bytefallback (committed test data) spells characters outside its vocabulary as UTF-8 byte pieces:
        // "𓀀" → <0xF0> <0x93> <0x80> <0x80>, "ꙮ" → <0xEA> <0x99> <0xAE>. It has no RemBERT special tokens, so its own
        // pieces stand in for them.
        var model = SentencePieceProcessor.Load(TestPaths.TestData("sentencepiece", "bpe-bytefallback.model"));
        var tokenizer = RemBertTokenizer.FromSentencePiece(model,
            new RemBertTokenizerOptions { ClsToken = "<s>", SepToken = "</s>", UnkToken = "<unk>", PadToken = "<sep>", MaskToken = "[LINK]" });
        const string text = "hieroglyph 𓀀 and ꙮ";
        var encoding = tokenizer.Encode(text);

        var bytePositions = Enumerable.Range(0, encoding.InputIds.Length).Where(i => model.IsByte(encoding.InputIds[i])).ToArray();
        Assert.Equal(7, bytePositions.Length);
        // Together the byte pieces of a character cover exactly that character (SentencePieceProcessor gives the first byte piece the span).
        Assert.Equal("𓀀ꙮ", string.Concat(bytePositions.Select(i => text[encoding.Offsets[i].Start..encoding.Offsets[i].End])));
        Assert.Equal(text, tokenizer.Decode(encoding.InputIds, skipSpecialTokens: true));
        Assert.Equal("<s> " + text + " </s>", tokenizer.Decode(encoding.InputIds));
    }

    [SkippableFact]
    public void IdOutsideTheVocabulary_IsNamed()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => Load().Decode([5, 8000]));
        Assert.Contains("8000", e.Message);
        Assert.Contains("position 1", e.Message);
    }
}
