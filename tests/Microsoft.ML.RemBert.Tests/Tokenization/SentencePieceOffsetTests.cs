using Microsoft.ML.RemBert.Tokenization.SentencePiece;
using System.Text;
using Microsoft.ML.RemBert.Tokenization;
using Xunit;

namespace Microsoft.ML.RemBert.Tests.Tokenization;

/// <summary>
/// Encode's offsets point at the original text: each piece's source slice, normalized independently, spells the piece
/// (full-width forms, accents and ligatures included), and pieces made only of '▁' are empty.
/// </summary>
public sealed class SentencePieceOffsetTests
{
    private const char SpaceSymbol = '\u2581';
    private const char ZeroWidthNonJoiner = '\u200C';
    private const char ZeroWidthJoiner = '\u200D';

    /// <summary>Models whose normalization the oracle below reproduces: nmt_nfkc ≈ NFKC, and identity.</summary>
    public static TheoryData<string, bool> Models() => new()
    {
        { "uni-bytefallback", true }, { "bpe-bytefallback", true }, { "uni-nobos", true }, { "bpe-tiny", true },
        { "uni-tiny", true }, { "uni-suffix", true }, { "bpe-nodummy", false }, { "unigram-8k", true }, { "bpe-8k", true },
        { "word", true }, { "char", true },
    };

    [SkippableTheory]
    [MemberData(nameof(Models))]
    public void PieceSlices_NormalizeToThePieceText(string model, bool nfkc)
    {
        var sp = SentencePieceFixtures.Load(model);
        var lines = SentencePieceFixtures.ReadLines(SentencePieceFixtures.Path("corpus.txt"));
        var checkedGroups = 0;
        var failures = new List<string>();
        var tokens = new List<SentencePieceToken>();
        foreach (var line in lines)
        {
            tokens.Clear();
            sp.Encode(line, tokens);
            foreach (var group in OverlapGroups(tokens))
            {
                // Unknown and byte pieces have no piece text to compare with; user-defined symbols skip normalization.
                if (group.Any(t => sp.IsUnknown(t.Id) || sp.IsByte(t.Id) || sp.IsUserDefined(t.Id))) continue;
                var start = group[0].Start;
                var end = group.Max(t => t.Start + t.Length);
                var expected = Strip(string.Concat(group.Select(t => sp.IdToPiece(t.Id))));
                var slice = line[start..end];
                var actual = Strip(nfkc ? NmtNfkc(slice) : slice);
                checkedGroups++;
                if (actual != expected && failures.Count < 10) failures.Add($"'{slice}' -> '{actual}' but pieces spell '{expected}' in '{line}'");
            }
        }
        Assert.True(checkedGroups > 1_000, $"only {checkedGroups} pieces checked");
        Assert.True(failures.Count == 0, string.Join('\n', failures));
    }

    [SkippableTheory]
    [MemberData(nameof(Models))]
    public void Offsets_AreOrderedInsideTheText_AndWhitespaceOnlyPiecesAreEmpty(string model, bool nfkc)
    {
        _ = nfkc;
        var sp = SentencePieceFixtures.Load(model);
        var tokens = new List<SentencePieceToken>();
        foreach (var line in SentencePieceFixtures.ReadLines(SentencePieceFixtures.Path("corpus.txt")))
        {
            tokens.Clear();
            sp.Encode(line, tokens);
            Assert.Equal(sp.EncodeToIds(line), tokens.Select(t => t.Id).ToArray());
            SentencePieceRobustnessTests.AssertOffsetsWellFormed(tokens, line.Length);
            // A '▁' piece standing for whitespace is empty; only a literal U+2581 in the input gives it a source.
            foreach (var t in tokens.Where(t => !sp.IsByte(t.Id) && sp.IdToPiece(t.Id).All(c => c == SpaceSymbol)))
                Assert.True(t.Length == 0 || line.Substring(t.Start, t.Length).All(c => c == SpaceSymbol), $"'▁' piece has source '{line.Substring(t.Start, t.Length)}'");
        }
    }

    [Fact]
    public void Offsets_SkipRemovedWhitespace_AndCoverFullWidthAndLigatureSources()
    {
        var sp = SentencePieceFixtures.LoadCommitted("uni-bytefallback");
        const string text = "  ＡＢＣ   ﬁne\tcafe\u0301 ";
        var tokens = new List<SentencePieceToken>();
        sp.Encode(text, tokens);
        var slices = tokens.Where(t => t.Length > 0).Select(t => text.Substring(t.Start, t.Length)).ToList();
        Assert.All(slices, s => Assert.False(string.IsNullOrWhiteSpace(s), $"slice '{s}' is whitespace"));
        Assert.Equal("ＡＢＣﬁnecafe\u0301", string.Concat(slices.Distinct()));
        Assert.Equal(2, tokens.First(t => t.Length > 0).Start);
    }

    /// <summary>Consecutive pieces whose source spans overlap (they split one normalization unit, e.g. "ﬁ" → "f"+"i").</summary>
    private static IEnumerable<List<SentencePieceToken>> OverlapGroups(List<SentencePieceToken> tokens)
    {
        List<SentencePieceToken>? group = null;
        var groupEnd = -1;
        foreach (var t in tokens.Where(t => t.Length > 0))
        {
            if (group is not null && t.Start < groupEnd)
            {
                group.Add(t);
                groupEnd = Math.Max(groupEnd, t.Start + t.Length);
                continue;
            }
            if (group is not null) yield return group;
            group = [t];
            groupEnd = t.Start + t.Length;
        }
        if (group is not null) yield return group;
    }

    /// <summary>Whitespace is not part of a piece's source; '▁' in pieces stands for it.</summary>
    private static string Strip(string s) => new(s.Where(c => c != SpaceSymbol && !char.IsWhiteSpace(c)).ToArray());

    /// <summary>
    /// NFKC plus nmt_nfkc's extra rules that matter inside a slice: format and control characters vanish
    /// (BOM, zero-width space, C0/C1 controls other than whitespace; the joiners ZWJ/ZWNJ stay).
    /// </summary>
    private static string NmtNfkc(string s)
    {
        var kept = new StringBuilder();
        foreach (var c in s)
        {
            var category = char.GetUnicodeCategory(c);
            if (category is System.Globalization.UnicodeCategory.Format or System.Globalization.UnicodeCategory.Control && !char.IsWhiteSpace(c) && c is not (ZeroWidthNonJoiner or ZeroWidthJoiner)) continue;
            kept.Append(c);
        }
        return kept.ToString().Normalize(NormalizationForm.FormKC);
    }
}
