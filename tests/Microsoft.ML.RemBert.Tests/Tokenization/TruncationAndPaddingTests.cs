using Microsoft.ML.RemBert.Tokenization;
using Xunit;
using static Microsoft.ML.RemBert.Tests.Tokenization.FixtureTokenizer;

namespace Microsoft.ML.RemBert.Tests.Tokenization;

/// <summary>End-to-end truncation and padding on the fixture model. A = "The quick brown fox jumps over the lazy dog."
/// is 22 pieces, B = "Where is the library?" is 7 pieces (ids from spm_encode with the fixture model).</summary>
public class TruncationAndPaddingTests
{
    private const string A = "The quick brown fox jumps over the lazy dog.";
    private const string B = "Where is the library?";
    private static readonly int[] AIds = [780, 2056, 466, 341, 2513, 20, 5, 1002, 46, 5, 1628, 27, 28, 6, 5, 2574, 79, 43, 619, 145, 36, 9];
    private static readonly int[] BIds = [331, 1177, 14, 292, 79, 3920, 437];

    private static int[] Layout(IEnumerable<int> a, IEnumerable<int> b) => [Cls, .. a, Sep, .. b, Sep];

    [SkippableFact]
    public void Pieces_AreTheOnesTheExpectationsAssume()
    {
        var tokenizer = Load();
        Assert.Equal(Layout(AIds, BIds), tokenizer.Encode(A, B).InputIds);
    }

    [SkippableFact]
    public void LongestFirst_ShortensOnlyTheLongerWhileItStaysLonger()
    {
        // 22 + 7 + 3 = 32, MaxLength 20 → remove 12; A stays longer than B throughout (22 → 10), so B is untouched.
        var encoding = Load().Encode(A, B, new RemBertEncodeOptions { MaxLength = 20 });
        Assert.Equal(Layout(AIds[..10], BIds), encoding.InputIds);
    }

    [SkippableFact]
    public void LongestFirst_ThenAlternates()
    {
        // MaxLength 15 → remove 17: 15 removals bring A to 7 (= B); the tie takes B to 6; then A (7 > 6) to 6 → (6, 6).
        var encoding = Load().Encode(A, B, new RemBertEncodeOptions { MaxLength = 15 });
        Assert.Equal(Layout(AIds[..6], BIds[..6]), encoding.InputIds);
        Assert.Equal(15, encoding.InputIds.Length);
    }

    [SkippableFact]
    public void OnlyFirst_And_OnlySecond()
    {
        var tokenizer = Load();
        // OnlyFirst, MaxLength 15 → remove 17 from A → 5 left.
        Assert.Equal(Layout(AIds[..5], BIds), tokenizer.Encode(A, B, new RemBertEncodeOptions { MaxLength = 15, Truncation = TruncationStrategy.OnlyFirst }).InputIds);
        // OnlySecond, MaxLength 28 → remove 4 from B → 3 left.
        Assert.Equal(Layout(AIds, BIds[..3]), tokenizer.Encode(A, B, new RemBertEncodeOptions { MaxLength = 28, Truncation = TruncationStrategy.OnlySecond }).InputIds);
        // OnlySecond, MaxLength 25 → remove 7 = all of B: impossible.
        var e = Assert.Throws<ArgumentException>(() => tokenizer.Encode(A, B, new RemBertEncodeOptions { MaxLength = 25, Truncation = TruncationStrategy.OnlySecond }));
        Assert.Contains("OnlySecond", e.Message);
        Assert.Contains("has only 7", e.Message);
    }

    [SkippableFact]
    public void SingleText_And_DoNotTruncate()
    {
        var tokenizer = Load();
        Assert.Equal([Cls, .. AIds[..4], Sep], tokenizer.Encode(A, options: new RemBertEncodeOptions { MaxLength = 6 }).InputIds);
        Assert.Equal([Cls, .. AIds, Sep], tokenizer.Encode(A, options: new RemBertEncodeOptions { MaxLength = 6, Truncation = TruncationStrategy.DoNotTruncate }).InputIds);
        Assert.Equal(AIds[..6], tokenizer.Encode(A, options: new RemBertEncodeOptions { MaxLength = 6, AddSpecialTokens = false }).InputIds);
    }

    [SkippableFact]
    public void MaxLengthPadding_PadsRightWithPadTokens()
    {
        var encoding = Load().Encode("Hello world", options: new RemBertEncodeOptions { MaxLength = 10, Padding = PaddingStrategy.MaxLength });
        Assert.Equal([Cls, 2117, 2555, 254, 99, 318, Sep, Pad, Pad, Pad], encoding.InputIds);
        Assert.Equal([1, 1, 1, 1, 1, 1, 1, 0, 0, 0], encoding.AttentionMask);
        Assert.Equal(new int[10], encoding.TokenTypeIds);
        Assert.Equal([1, 0, 0, 0, 0, 0, 1, 1, 1, 1], encoding.SpecialTokensMask);
        Assert.Equal([-1, 0, 0, 0, 0, 0, -1, -1, -1, -1], encoding.SequenceIds);
        Assert.Equal([(0, 0), (0, 2), (2, 5), (6, 7), (7, 9), (9, 11), (0, 0), (0, 0), (0, 0), (0, 0)], encoding.Offsets);
    }

    [SkippableFact]
    public void MaxLengthPadding_WithoutMaxLength_UsesModelMaxLength()
    {
        var encoding = Load(new RemBertTokenizerOptions { ModelMaxLength = 16 }).Encode("Hello", options: new RemBertEncodeOptions { Padding = PaddingStrategy.MaxLength });
        Assert.Equal(16, encoding.InputIds.Length);
        Assert.Equal(4, encoding.AttentionMask.Sum());
    }

    [SkippableFact]
    public void LongestPadding_InABatch_PadsToTheLongest_WithoutTruncating()
    {
        var encodings = Load().EncodeBatch([("Hello", null), (A, B), ("x", "y")], new RemBertEncodeOptions { Padding = PaddingStrategy.Longest });
        Assert.All(encodings, e => Assert.Equal(32, e.InputIds.Length));
        Assert.Equal([4, 32], encodings.Take(2).Select(e => e.AttentionMask.Sum()));
    }
}
