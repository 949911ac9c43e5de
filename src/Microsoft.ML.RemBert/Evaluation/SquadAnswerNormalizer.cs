using System.Globalization;
using System.Text;

namespace Microsoft.ML.RemBert.Evaluation;

/// <summary>
/// The official SQuAD evaluation script's <c>normalize_answer</c>, reproduced with Python's own string semantics:
/// lower case (Python's <c>str.lower</c>: İ → i + combining dot, final sigma), remove ASCII punctuation
/// (<c>string.punctuation</c> only), remove the English articles <c>a</c>, <c>an</c>, <c>the</c> as whole words
/// (<c>\b</c> between Python's Unicode word characters: letters, numbers and <c>_</c>, not combining marks), then
/// collapse whitespace (Python's <c>str.split()</c> whitespace) to single spaces.
/// </summary>
/// <remarks>
/// The normalisation is English-centric and we keep it so, since scores must equal the script's: other
/// languages' articles stay, non-ASCII punctuation (« », ¿, 。, 「」) stays, and tokens are whitespace-separated,
/// so for scripts written without spaces (Chinese, Japanese, Thai) an answer is one token and F1 degenerates to
/// exact match. Final sigma uses general categories for "cased" and "case-ignorable", a close approximation of
/// Unicode's derived properties that Python uses.
/// </remarks>
public static class SquadAnswerNormalizer
{
    private const string AsciiPunctuation = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~";

    /// <summary>The normalized answer; tokens are separated by single spaces.</summary>
    /// <param name="answer">An answer text.</param>
    public static string Normalize(string answer)
    {
        ArgumentNullException.ThrowIfNull(answer);
        var lowered = PythonLower(answer);
        var withoutPunctuation = new StringBuilder(lowered.Length);
        foreach (var c in lowered)
            if (!AsciiPunctuation.Contains(c))
                withoutPunctuation.Append(c);
        return string.Join(' ', SplitOnWhitespace(RemoveArticles(withoutPunctuation.ToString())));
    }

    /// <summary>The normalized answer's tokens (the script's <c>get_tokens</c>).</summary>
    /// <param name="answer">An answer text.</param>
    public static string[] Tokens(string answer) => SplitOnWhitespace(Normalize(answer));

    // re.sub(r"\b(a|an|the)\b", " ", text): a match is always a whole run of word characters.
    private static string RemoveArticles(string text)
    {
        var result = new StringBuilder(text.Length);
        var i = 0;
        while (i < text.Length)
        {
            var end = i;
            while (end < text.Length && IsWordCharacter(Rune.GetRuneAt(text, end)))
                end += Rune.GetRuneAt(text, end).Utf16SequenceLength;
            if (end == i)
            {
                var rune = Rune.GetRuneAt(text, i);
                result.Append(text, i, rune.Utf16SequenceLength);
                i += rune.Utf16SequenceLength;
                continue;
            }
            var word = text.AsSpan(i, end - i);
            if (word is "a" or "an" or "the")
                result.Append(' ');
            else
                result.Append(word);
            i = end;
        }
        return result.ToString();
    }

    // Python's \w for str patterns: str.isalnum() (letters Lu Ll Lt Lm Lo and numbers Nd Nl No) or '_'.
    private static bool IsWordCharacter(Rune rune)
        => rune.Value == '_' || Rune.GetUnicodeCategory(rune) is UnicodeCategory.UppercaseLetter
            or UnicodeCategory.LowercaseLetter or UnicodeCategory.TitlecaseLetter or UnicodeCategory.ModifierLetter
            or UnicodeCategory.OtherLetter or UnicodeCategory.DecimalDigitNumber or UnicodeCategory.LetterNumber
            or UnicodeCategory.OtherNumber;

    // str.split() with no argument: Unicode whitespace plus the ASCII information separators U+001C..U+001F.
    private static string[] SplitOnWhitespace(string text)
    {
        var tokens = new List<string>();
        var start = -1;
        for (var i = 0; i <= text.Length; i++)
        {
            var space = i == text.Length || char.IsWhiteSpace(text[i]) || text[i] is >= '\u001C' and <= '\u001F';
            if (space && start >= 0)
            {
                tokens.Add(text[start..i]);
                start = -1;
            }
            else if (!space && start < 0)
                start = i;
        }
        return tokens.ToArray();
    }

    // Python's str.lower(): simple lower-case mapping, plus the two unconditional/contextual rules Python applies.
    private static string PythonLower(string text)
    {
        var result = new StringBuilder(text.Length);
        var runes = text.EnumerateRunes().ToArray();
        for (var i = 0; i < runes.Length; i++)
        {
            var rune = runes[i];
            if (rune.Value == 0x0130)
                result.Append("i\u0307");
            else if (rune.Value == 0x03A3)
                result.Append(IsFinalSigma(runes, i) ? 'ς' : 'σ');
            else
                result.Append(Rune.ToLowerInvariant(rune).ToString());
        }
        return result.ToString();
    }

    // Unicode's Final_Sigma: a cased letter before (case-ignorables skipped) and none after.
    private static bool IsFinalSigma(Rune[] runes, int index)
    {
        var before = index - 1;
        while (before >= 0 && IsCaseIgnorable(runes[before]))
            before--;
        if (before < 0 || !IsCased(runes[before]))
            return false;
        var after = index + 1;
        while (after < runes.Length && IsCaseIgnorable(runes[after]))
            after++;
        return after == runes.Length || !IsCased(runes[after]);
    }

    private static bool IsCased(Rune rune) => Rune.GetUnicodeCategory(rune) is UnicodeCategory.UppercaseLetter
        or UnicodeCategory.LowercaseLetter or UnicodeCategory.TitlecaseLetter;

    private static bool IsCaseIgnorable(Rune rune)
        => Rune.GetUnicodeCategory(rune) is UnicodeCategory.NonSpacingMark or UnicodeCategory.EnclosingMark
               or UnicodeCategory.Format or UnicodeCategory.ModifierLetter or UnicodeCategory.ModifierSymbol
           || rune.Value is '\'' or '.' or ':' or 0x00B7 or 0x0387 or 0x05F4 or 0x2018 or 0x2019 or 0x2024
               or 0x2027 or 0xFE13 or 0xFE52 or 0xFE55 or 0xFF07 or 0xFF0E or 0xFF1A;
}
