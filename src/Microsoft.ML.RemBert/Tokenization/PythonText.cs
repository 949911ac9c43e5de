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
    private const char CapitalSigma = '\u03A3';
    private const char FinalSigma = '\u03C2';

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

    /// <summary>Python's <c>str.lower()</c> of one code point at <paramref name="index"/> of <paramref name="text"/>: the
    /// invariant simple mapping, plus the full mappings Python applies (U+0130 → "i̇", and Σ → ς at the end of a word).</summary>
    public static string Lower(string text, int index, Rune rune)
    {
        if (rune.Value == CapitalIWithDotAbove) return CapitalIWithDotAboveLower;
        if (rune.Value == CapitalSigma && IsFinalSigma(text, index)) return FinalSigma.ToString();
        return Rune.ToLowerInvariant(rune).ToString();
    }

    /// <summary>Unicode's Final_Sigma condition: a cased letter before (skipping case-ignorable characters) and none after.</summary>
    private static bool IsFinalSigma(string text, int index)
    {
        var before = index - 1;
        while (before >= 0 && IsCaseIgnorable(text[before])) before--;
        if (before < 0 || !IsCased(text[before])) return false;
        var after = index + 1;
        while (after < text.Length && IsCaseIgnorable(text[after])) after++;
        return after >= text.Length || !IsCased(text[after]);
    }

    private static bool IsCased(char c) =>
        char.GetUnicodeCategory(c) is UnicodeCategory.UppercaseLetter or UnicodeCategory.LowercaseLetter or UnicodeCategory.TitlecaseLetter;

    /// <summary>Unicode's Case_Ignorable: marks, format characters, modifiers and the word-internal punctuation (apostrophes, periods, colons, middle dots).</summary>
    private static bool IsCaseIgnorable(char c) =>
        c is '\'' or '.' or ':' or '\u00B7' or '\u2018' or '\u2019' or '\u2024' or '\uFE52' or '\uFF07' or '\uFF0E'
        || char.GetUnicodeCategory(c) is UnicodeCategory.NonSpacingMark or UnicodeCategory.EnclosingMark or UnicodeCategory.Format
            or UnicodeCategory.ModifierLetter or UnicodeCategory.ModifierSymbol;
}
