using System.Text;
using Microsoft.ML.RemBert.Tokenization;
using Xunit;

namespace Microsoft.ML.RemBert.Tests.Tokenization;

/// <summary>Python str behaviour the preprocessing mirrors; expectations from CPython 3.11's unicodedata / str.lower.</summary>
public class PythonTextTests
{
    [Theory]
    [InlineData(0x0301, true)]   // combining acute accent, class 230
    [InlineData(0x0345, true)]   // combining ypogegrammeni, class 240 (the probe itself)
    [InlineData(0x0334, true)]   // combining tilde overlay, class 1
    [InlineData(0x05B0, true)]   // Hebrew point sheva, class 10
    [InlineData(0x0941, false)]  // Devanagari vowel sign U: a non-spacing mark of class 0, which Python keeps
    [InlineData(0x093E, false)]  // Devanagari vowel sign AA: spacing mark, class 0
    [InlineData(0x1D165, true)]  // musical symbol combining stem, class 216 (outside the BMP)
    [InlineData('e', false)]
    public void IsCombining_MatchesUnicodedataCombining(int codePoint, bool expected)
    {
        Assert.Equal(expected, PythonText.IsCombining(new Rune(codePoint)));
    }

    [Fact]
    public void IsSpace_IncludesInformationSeparators()
    {
        Assert.True(PythonText.IsSpace('\u001F'));
        Assert.True(PythonText.IsSpace('\u3000'));
        Assert.False(PythonText.IsSpace('\u200B'));
    }

    [Theory]
    [InlineData("ΣΟΦΟΣ", "σοφοσ")]   // character by character, as transformers' do_lower_case: no final sigma
    [InlineData("ΟΔΟΣ.", "οδοσ.")]
    [InlineData("Σ", "σ")]
    [InlineData("İx", "i̇x")]          // U+0130 lowers to two characters
    public void Lower_MatchesPythonLowerOfEachCharacter(string text, string expected)
    {
        var output = new StringBuilder();
        foreach (var rune in text.EnumerateRunes()) output.Append(PythonText.Lower(rune));
        Assert.Equal(expected, output.ToString());
    }
}
