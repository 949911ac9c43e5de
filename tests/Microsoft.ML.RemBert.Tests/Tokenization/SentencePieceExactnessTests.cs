using Microsoft.ML.RemBert.Tests.Infrastructure;
using Microsoft.ML.RemBert.Tokenization;
using Xunit;

namespace Microsoft.ML.RemBert.Tests.Tokenization;

/// <summary>Ids and decoding equal sentencepiece 0.1.97 (spm_encode / spm_decode) on every fixture line.</summary>
public sealed class SentencePieceExactnessTests
{
    public static TheoryData<string> CommittedModels() => new(SentencePieceFixtures.CommittedModels);
    public static TheoryData<string> SharedModels() => new(SentencePieceFixtures.SharedModels);

    [Theory]
    [MemberData(nameof(CommittedModels))]
    public void EncodeToIds_EqualsSpmEncode_OnCorpus(string model) => AssertCorpusIds(SentencePieceFixtures.LoadCommitted(model), model);

    [SkippableTheory]
    [MemberData(nameof(SharedModels))]
    public void EncodeToIds_EqualsSpmEncode_OnCorpus_SharedModels(string model) => AssertCorpusIds(SentencePieceFixtures.LoadShared(model), model);

    [SkippableTheory]
    [MemberData(nameof(SharedModels))]
    public void EncodeToIds_EqualsSpmEncode_OnSharedLines(string model)
    {
        var sp = SentencePieceFixtures.LoadShared(model);
        var lines = SentencePieceFixtures.ReadLines(TestPaths.SharedFixture("sentencepiece", "lines.txt"));
        var expected = SentencePieceFixtures.ReadIds(TestPaths.SharedFixture("sentencepiece", $"lines.{model}.ids"));
        var (count, report) = SentencePieceFixtures.Compare(sp, lines, expected);
        Assert.True(count == 0, $"{count} of {lines.Length} lines differ from spm_encode for {model}:\n{report}");
    }

    [SkippableTheory]
    [MemberData(nameof(CommittedModels))]
    [MemberData(nameof(SharedModels))]
    public void EncodeToIds_EqualsSpmEncode_OnRandomCodePoints(string model)
    {
        var sp = SentencePieceFixtures.Load(model);
        var lines = SentencePieceFixtures.ReadLines(SentencePieceFixtures.Path("random.txt"));
        var expected = SentencePieceFixtures.ReadIds(SentencePieceFixtures.Path($"{model}.random.ids"));
        var (count, report) = SentencePieceFixtures.Compare(sp, lines, expected);
        Assert.True(count == 0, $"{count} of {lines.Length} random lines differ from spm_encode for {model}:\n{report}");
    }

    [SkippableTheory]
    [MemberData(nameof(CommittedModels))]
    [MemberData(nameof(SharedModels))]
    public void LoneSurrogates_EncodeLikeSpmEncodeOnTheirGeneralizedUtf8Bytes(string model)
    {
        var sp = SentencePieceFixtures.Load(model);
        var lines = SentencePieceFixtures.SurrogateLines();
        Assert.Contains(lines, l => l.Any(char.IsSurrogate) && !l.Any(char.IsHighSurrogate) || l.Length == 1);
        var expected = SentencePieceFixtures.ReadIds(SentencePieceFixtures.Path($"{model}.surrogates.ids"));
        var (count, report) = SentencePieceFixtures.Compare(sp, lines, expected);
        Assert.True(count == 0, $"{count} surrogate lines differ for {model}:\n{report}");
    }

    [SkippableTheory]
    [MemberData(nameof(CommittedModels))]
    [MemberData(nameof(SharedModels))]
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

    private static void AssertCorpusIds(SentencePieceProcessor sp, string model)
    {
        var lines = SentencePieceFixtures.ReadLines(SentencePieceFixtures.Path("corpus.txt"));
        Assert.True(lines.Length > 3000, "the corpus should hold 3,000+ lines");
        var expected = SentencePieceFixtures.ReadIds(SentencePieceFixtures.Path($"{model}.ids"));
        var (count, report) = SentencePieceFixtures.Compare(sp, lines, expected);
        Assert.True(count == 0, $"{count} of {lines.Length} corpus lines differ from spm_encode for {model}:\n{report}");
    }
}
