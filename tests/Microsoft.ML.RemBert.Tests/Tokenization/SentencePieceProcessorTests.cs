using Microsoft.ML.RemBert.Tokenization.SentencePiece;
using Microsoft.ML.RemBert.Tokenization;
using Xunit;

namespace Microsoft.ML.RemBert.Tests.Tokenization;

/// <summary>Loading, errors, special ids, vocabulary queries and concurrency of <see cref="SentencePieceProcessor"/>.</summary>
public sealed class SentencePieceProcessorTests
{
    [Fact]
    public void Load_MissingFile_NamesTheFile()
    {
        var path = Path.Combine(Path.GetTempPath(), $"missing-{Guid.NewGuid():N}.model");
        var e = Assert.Throws<FileNotFoundException>(() => SentencePieceProcessor.Load(path));
        Assert.Contains(path, e.Message);
    }

    [Theory]
    [InlineData(0)]          // empty file
    [InlineData(1000)]       // truncated in the middle of the pieces
    [InlineData(-1)]         // not a model at all
    public void Load_CorruptFile_NamesTheFileAndTheProblem(int keepBytes)
    {
        var good = File.ReadAllBytes(SentencePieceFixtures.Path("uni-nobos.model"));
        var bytes = keepBytes >= 0 ? good[..keepBytes] : "this is not a protobuf model\n"u8.ToArray();
        var path = Path.Combine(Path.GetTempPath(), $"corrupt-{Guid.NewGuid():N}.model");
        File.WriteAllBytes(path, bytes);
        try
        {
            var e = Assert.Throws<SentencePieceModelException>(() => SentencePieceProcessor.Load(path));
            Assert.Contains(path, e.Message);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void ModelWithoutBosEos_ReportsMinusOne_AndEncodes()
    {
        var sp = SentencePieceFixtures.LoadCommitted("uni-nobos");
        Assert.Equal(-1, sp.BosId);
        Assert.Equal(-1, sp.EosId);
        Assert.Equal(0, sp.PadId);
        Assert.Equal(1, sp.UnkId);
        Assert.NotEmpty(sp.EncodeToIds("Hello world"));
    }

    [SkippableFact]
    public void RemBertLayout_SpecialIdsAndPieces()
    {
        var sp = SentencePieceFixtures.LoadShared("unigram-8k");
        Assert.Equal(8000, sp.VocabularySize);
        Assert.Equal((0, 2, 3, 4), (sp.PadId, sp.UnkId, sp.BosId, sp.EosId));
        Assert.Equal("[CLS]", sp.IdToPiece(3));
        Assert.Equal(1, sp.PieceToId("[MASK]"));
        Assert.True(sp.IsControl(1));
        Assert.True(sp.IsUnknown(2));
        Assert.False(sp.IsControl(5));
        Assert.Equal(sp.UnkId, sp.PieceToId("no such piece"));
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => sp.IdToPiece(8000));
        Assert.Contains("8000", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => sp.IdToPiece(-1));
        Assert.Throws<ArgumentOutOfRangeException>(() => sp.Decode([5, 9999]));
    }

    [Fact]
    public void ByteAndUserDefinedPieces_AreClassified()
    {
        var sp = SentencePieceFixtures.LoadCommitted("bpe-bytefallback");
        var byteA = sp.PieceToId("<0x41>");
        Assert.True(sp.IsByte(byteA));
        Assert.False(sp.IsByte(sp.UnkId));
        Assert.True(sp.IsUserDefined(sp.PieceToId("[LINK]")));
        Assert.Contains(sp.PieceToId("[LINK]"), sp.EncodeToIds("see [LINK] here"));
    }

    [Fact]
    public void FromBytes_KeepsTheExactModelBytes()
    {
        var bytes = File.ReadAllBytes(SentencePieceFixtures.Path("uni-suffix.model"));
        var sp = SentencePieceProcessor.FromBytes(bytes, "uni-suffix");
        Assert.Equal(bytes, sp.ModelBytes.ToArray());
        Assert.Equal(SentencePieceFixtures.LoadCommitted("uni-suffix").EncodeToIds("Bonjour le monde"), sp.EncodeToIds("Bonjour le monde"));
    }

    [Fact]
    public void ConcurrentEncoding_MatchesSequentialEncoding()
    {
        var sp = SentencePieceFixtures.LoadCommitted("uni-bytefallback");
        var lines = SentencePieceFixtures.ReadLines(SentencePieceFixtures.Path("corpus.txt"));
        var expected = lines.Select(sp.EncodeToIds).ToArray();
        var actual = new int[lines.Length][];
        Parallel.For(0, lines.Length * 4, new ParallelOptions { MaxDegreeOfParallelism = 4 }, i =>
        {
            var k = i % lines.Length;
            var tokens = new List<SentencePieceToken>();
            sp.Encode(lines[k], tokens);
            var ids = sp.EncodeToIds(lines[k]);
            Assert.Equal(ids, tokens.Select(t => t.Id).ToArray());
            actual[k] = ids;
        });
        for (var i = 0; i < lines.Length; i++) Assert.Equal(expected[i], actual[i]);
    }
}
