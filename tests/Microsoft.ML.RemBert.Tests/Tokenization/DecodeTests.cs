using Microsoft.ML.RemBert.Tests.Infrastructure;
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
        var texts = File.ReadAllLines(Path.Combine(TestPaths.SharedFixture("rembert-reference"), "texts.txt"))
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

    [SkippableFact]
    public void IdOutsideTheVocabulary_IsNamed()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => Load().Decode([5, 8000]));
        Assert.Contains("8000", e.Message);
        Assert.Contains("position 1", e.Message);
    }
}
