using Microsoft.ML.RemBert.Tokenization;
using Xunit;

namespace Microsoft.ML.RemBert.Tests.Tokenization;

public class TextPreprocessorTests
{
    private static (string Text, (int, int)[] Ranges) Run(RemBertTokenizerOptions options, string text)
    {
        var segment = new TextPreprocessor(options).Process(text, 0, text.Length);
        var processed = segment.Text.ToString();
        return (processed, Enumerable.Range(0, processed.Length).Select(i => segment.ToOriginal(i, 1)).ToArray());
    }

    [Fact]
    public void RemoveSpace_IsNotApplied_WhitespaceIsLeftToSentencePiece_AsInTransformers()
    {
        var (text, ranges) = Run(new RemBertTokenizerOptions { RemoveSpace = true, DoLowerCase = true }, " \tHello \u3000\n world\u001F ");
        Assert.Equal(" \thello \u3000\n world\u001F ", text);
        Assert.Equal(Enumerable.Range(0, text.Length).Select(i => (i, i + 1)), ranges);
    }

    [Fact]
    public void AlreadyCollapsedText_IsPassedThroughWithShiftedOffsets()
    {
        var segment = new TextPreprocessor(new RemBertTokenizerOptions()).Process("xx Hello world", 3, 14);
        Assert.Equal("Hello world", segment.Text.ToString());
        Assert.Equal((9, 14), segment.ToOriginal(6, 5));
        Assert.Equal((14, 14), segment.ToOriginal(11, 0));
    }

    [Fact]
    public void StripAccents_DecomposesAndDropsMarks_KeepingOriginalRanges()
    {
        // "ﬁ" (U+FB01) NFKD → "fi"; "é" → "e" + U+0301 (dropped); a decomposed "e\u0301" keeps the e only.
        var (text, ranges) = Run(new RemBertTokenizerOptions { KeepAccents = false }, "ﬁé e\u0301");
        Assert.Equal("fie e", text);
        Assert.Equal([(0, 1), (0, 1), (1, 2), (2, 3), (3, 4)], ranges);
    }

    [Fact]
    public void Lowercase_ExpandsCharacters_EachPointingToItsSource()
    {
        var (text, ranges) = Run(new RemBertTokenizerOptions { DoLowerCase = true }, "AİB");
        Assert.Equal("ai\u0307b", text);
        Assert.Equal([(0, 1), (1, 2), (1, 2), (2, 3)], ranges);
    }

    [Fact]
    public void RemoveSpaceOff_KeepsWhitespace()
    {
        var (text, _) = Run(new RemBertTokenizerOptions { RemoveSpace = false, DoLowerCase = true }, "  A  B ");
        Assert.Equal("  a  b ", text);
    }

    [Fact]
    public void AllWhitespace_IsKept()
    {
        Assert.Equal(" \t ", Run(new RemBertTokenizerOptions(), " \t ").Text);
    }
}
