using Microsoft.ML.RemBert.Tokenization.SentencePiece;
using Xunit;

namespace Microsoft.ML.RemBert.Tests.Tokenization;

/// <summary>The per-word BPE shortcut gives exactly the reference's whole-sentence merges.</summary>
public sealed class BpeModelTests
{
    [Theory]
    [InlineData("bpe-bytefallback")]
    [InlineData("bpe-tiny")]
    [InlineData("bpe-nodummy")]
    public void WordByWordMerging_EqualsWholeSentenceMerging(string model)
    {
        var proto = ModelProtoParser.Parse(File.ReadAllBytes(SentencePieceFixtures.Path(model + ".model")), model);
        var vocabulary = new SentencePieceVocabulary(proto, model);
        var normalizer = new SentencePieceNormalizer(proto.NormalizerSpec, proto.TrainerSpec.TreatWhitespaceAsSuffix, vocabulary.UserSymbols, model);
        var byWord = new BpeModel(vocabulary, proto.TrainerSpec.TreatWhitespaceAsSuffix);
        var whole = new BpeModel(vocabulary, proto.TrainerSpec.TreatWhitespaceAsSuffix, allowWordSplitting: false);
        Assert.True(byWord.SplitsWords, "the fixture model should qualify for word-by-word merging");
        Assert.False(whole.SplitsWords);

        var scratch = new EncoderScratch();
        var lines = SentencePieceFixtures.ReadLines(SentencePieceFixtures.Path("corpus.txt"))
            .Concat(SentencePieceFixtures.ReadLines(SentencePieceFixtures.Path("random.txt")));
        foreach (var line in lines)
        {
            var utf8 = System.Text.Encoding.UTF8.GetBytes(line);
            var output = new byte[16];
            var none = new NoAlignment();
            var length = normalizer.Normalize(utf8, ref output, ref none); // may replace `output` with a larger array
            var normalized = output.AsSpan(0, length).ToArray();
            Assert.Equal(Pieces(whole, normalized, scratch), Pieces(byWord, normalized, scratch));
        }
    }

    private static (int Start, int Length, int Id)[] Pieces(BpeModel model, byte[] normalized, EncoderScratch scratch)
    {
        model.Segment(normalized, scratch);
        return Enumerable.Range(0, scratch.PieceCount).Select(i => (scratch.PieceStart[i], scratch.PieceLength[i], scratch.PieceId[i])).ToArray();
    }
}
