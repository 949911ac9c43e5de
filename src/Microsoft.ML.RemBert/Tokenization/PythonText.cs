using System.Globalization;
using System.Text;

namespace Microsoft.ML.RemBert.Tokenization;

/// <summary>Python <c>str</c> character predicates and case mapping that transformers' preprocessing relies on,
/// where .NET's built-ins differ.</summary>
internal static class PythonText
{
    private const char FirstInformationSeparator = '\u001C';
    private const char LastInformationSeparator = '\u001F';
    private const char CapitalIWithDotAbove = '\u0130';
    private const string CapitalIWithDotAboveLower = "i\u0307";

    /// <summary>A combining mark with the highest canonical combining class (240); used to probe other marks' classes.</summary>
    private const char YpogegrammeniMark = '\u0345';

    /// <summary>Python's <c>str.isspace</c>: .NET's whitespace plus the information separators U+001C..U+001F.</summary>
    public static bool IsSpace(char c) => char.IsWhiteSpace(c) || (c >= FirstInformationSeparator && c <= LastInformationSeparator);

    /// <summary>Python's <c>unicodedata.combining(c) != 0</c> (a non-zero canonical combining class).</summary>
    /// <remarks>.NET exposes no combining class, so it is probed through canonical reordering: NFD moves a mark of class
    /// 1..239 in front of U+0345 (class 240, the maximum). Every such mark is in a Mark category, which is checked first so
    /// that ordinary characters skip the probe.</remarks>
    public static bool IsCombining(Rune rune)
    {
        var category = Rune.GetUnicodeCategory(rune);
        if (category is not (UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark or UnicodeCategory.EnclosingMark))
            return false;
        if (rune.Value == YpogegrammeniMark) return true;
        var probe = string.Concat(YpogegrammeniMark.ToString(), rune.ToString()).Normalize(NormalizationForm.FormD);
        return probe[0] != YpogegrammeniMark;
    }

    /// <summary>Python's <c>c.lower()</c> of the single code point <paramref name="rune"/>: the invariant simple mapping,
    /// plus the full mapping Python applies (U+0130 → "i̇"). A lone Σ has no word around it, so it is σ.</summary>
    /// <remarks>transformers' do_lower_case lower-cases one character at a time (its regex <c>(.+?)</c> matches a single
    /// character), so the context-sensitive final sigma (Σ → ς) of a whole-string <c>str.lower</c> never happens.</remarks>
    public static string Lower(Rune rune) =>
        rune.Value == CapitalIWithDotAbove ? CapitalIWithDotAboveLower : Rune.ToLowerInvariant(rune).ToString();
}
