using Microsoft.ML.RemBert.Tests.Infrastructure;
using Xunit;

namespace Microsoft.ML.RemBert.Tests.Tokenization;

/// <summary>Ids and decoding equal sentencepiece 0.1.97 (spm_encode / spm_decode) on every fixture line.</summary>
public sealed class SentencePieceExactnessTests
{
    public static TheoryData<string> AllModels() => new(SentencePieceFixtures.CommittedModels.Concat(SentencePieceFixtures.SharedModels));
    public static TheoryData<string> SharedModels() => new(SentencePieceFixtures.SharedModels);

    [SkippableTheory]
    [MemberData(nameof(AllModels))]
    public void EncodeToIds_EqualsSpmEncode_OnCorpus(string model)
    {
        var lines = SentencePieceFixtures.ReadLines(SentencePieceFixtures.Path("corpus.txt"));
        Assert.True(lines.Length > 3000, "the corpus should hold 3,000+ lines");
        SentencePieceFixtures.AssertSameIds(SentencePieceFixtures.Load(model), lines, SentencePieceFixtures.Path($"{model}.ids"));
    }

    [SkippableTheory]
    [MemberData(nameof(AllModels))]
    public void EncodeToIds_EqualsSpmEncode_OnRandomCodePoints(string model) =>
        SentencePieceFixtures.AssertSameIds(SentencePieceFixtures.Load(model),
            SentencePieceFixtures.ReadLines(SentencePieceFixtures.Path("random.txt")), SentencePieceFixtures.Path($"{model}.random.ids"));

    [SkippableTheory]
    [MemberData(nameof(AllModels))]
    public void LoneSurrogates_EncodeLikeSpmEncodeOnTheirGeneralizedUtf8Bytes(string model)
    {
        var lines = SentencePieceFixtures.SurrogateLines();
        Assert.Contains(lines, l => l == "\uD800");
        SentencePieceFixtures.AssertSameIds(SentencePieceFixtures.Load(model), lines, SentencePieceFixtures.Path($"{model}.surrogates.ids"));
    }

    [SkippableTheory]
    [MemberData(nameof(SharedModels))]
    public void EncodeToIds_EqualsSpmEncode_OnSharedLines(string model) =>
        SentencePieceFixtures.AssertSameIds(SentencePieceFixtures.LoadShared(model),
            SentencePieceFixtures.ReadLines(TestPaths.Fixture("sentencepiece", "lines.txt")),
            TestPaths.Fixture("sentencepiece", $"lines.{model}.ids"));

    [SkippableTheory]
    [MemberData(nameof(AllModels))]
    public void Decode_EqualsSpmDecode(string model)
    {
        var sp = SentencePieceFixtures.Load(model);
        var ids = SentencePieceFixtures.ReadIds(SentencePieceFixtures.Path($"{model}.ids"));
        var expected = SentencePieceFixtures.ReadLines(SentencePieceFixtures.Path($"{model}.decoded.txt"));
        Assert.Equal(expected.Length, ids.Length);
        var mismatches = Enumerable.Range(0, ids.Length).Where(i => sp.Decode(ids[i]) != expected[i]).ToList();
        Assert.True(mismatches.Count == 0,
            $"{mismatches.Count} lines decode differently for {model}; first: line {mismatches.FirstOrDefault() + 1}: " +
            (mismatches.Count > 0 ? $"expected '{expected[mismatches[0]]}' got '{sp.Decode(ids[mismatches[0]])}'" : ""));
    }
}
