using Microsoft.ML.RemBert.Tokenization;
using Xunit;

namespace Microsoft.ML.RemBert.Tests.Tokenization;

public class SpecialTokenSplitterTests
{
    private const int Cls = 3, Mask = 1, Sep = 4, Long = 9;

    private static readonly SpecialTokenSplitter Splitter = new([
        new SpecialToken("[CLS]", Cls, false, false),
        new SpecialToken("[SEP]", Sep, false, false),
        new SpecialToken("[MASK]", Mask, LeftStrip: true, RightStrip: false),
    ]);

    private static string[] Render(string text, SpecialTokenSplitter splitter) =>
        splitter.Split(text).Select(s => s.IsSpecial ? $"<{s.SpecialId}>" : text[s.Start..s.End]).ToArray();

    [Fact]
    public void MaskAbsorbsTheWhitespaceBeforeIt_ButNotAfter()
    {
        Assert.Equal(["Hello", "<1>", " world"], Render("Hello \t [MASK] world", Splitter));
    }

    [Fact]
    public void OtherSpecialTokensKeepTheirNeighbours()
    {
        Assert.Equal(["a ", "<3>", " b"], Render("a [CLS] b", Splitter));
    }

    [Fact]
    public void WhitespaceLeftEmptyIsDropped()
    {
        Assert.Equal(["<3>", "<1>", "<4>"], Render("[CLS] [MASK][SEP]", Splitter));
    }

    [Fact]
    public void TextWithoutSpecialTokensIsOneSegment()
    {
        Assert.Equal(["[CL S] [MASK"], Render("[CL S] [MASK", Splitter));
        Assert.Empty(Splitter.Split(""));
    }

    [Fact]
    public void LongestTokenWinsAtTheSamePosition()
    {
        var splitter = new SpecialTokenSplitter([new SpecialToken("[A]", Cls, false, false), new SpecialToken("[A]]", Long, false, false)]);
        Assert.Equal(["x", "<9>", "<3>"], Render("x[A]][A]", splitter));
    }

    [Fact]
    public void RightStripAbsorbsTheWhitespaceAfter()
    {
        var splitter = new SpecialTokenSplitter([new SpecialToken("<r>", Long, false, RightStrip: true)]);
        Assert.Equal(["a ", "<9>", "b"], Render("a <r>  b", splitter));
    }
}
