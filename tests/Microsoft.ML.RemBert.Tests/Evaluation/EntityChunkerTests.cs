using Microsoft.ML.RemBert.Evaluation;
using Xunit;

namespace Microsoft.ML.RemBert.Tests.Evaluation;

public class EntityChunkerTests
{
    private static NamedEntity[] Chunk(params string[] tags) => EntityChunker.GetEntities(tags).ToArray();

    [Fact]
    public void SeqevalDocstringExample()
        // seqeval: get_entities(['B-PER', 'I-PER', 'O', 'B-LOC']) == [('PER', 0, 1), ('LOC', 3, 3)] (inclusive ends).
        => Assert.Equal([new("PER", 0, 2), new("LOC", 3, 4)], Chunk("B-PER", "I-PER", "O", "B-LOC"));

    [Fact]
    public void EntityAtTheEndOfTheSentenceIsClosed()
        => Assert.Equal([new("MISC", 3, 6), new("PER", 7, 9)], Chunk("O", "O", "O", "B-MISC", "I-MISC", "I-MISC", "O", "B-PER", "I-PER"));

    [Fact]
    public void AdjacentBeginTagsAreTwoEntities()
        => Assert.Equal([new("PER", 0, 1), new("PER", 1, 3)], Chunk("B-PER", "B-PER", "I-PER"));

    [Fact]
    public void InsideWithoutBeginStartsAnEntity()
    {
        // conlleval / IOB1: I-X after O (or at the start) opens an entity; seqeval's ['I-ORG','I-ORG'] is one ORG.
        Assert.Equal([new("ORG", 0, 2)], Chunk("I-ORG", "I-ORG"));
        Assert.Equal([new("LOC", 1, 2), new("LOC", 3, 5)], Chunk("O", "I-LOC", "O", "I-LOC", "I-LOC"));
    }

    [Fact]
    public void TypeChangeInsideStartsANewEntity()
    {
        Assert.Equal([new("PER", 0, 2), new("LOC", 2, 3)], Chunk("B-PER", "I-PER", "I-LOC"));
        Assert.Equal([new("PER", 0, 1), new("LOC", 1, 2)], Chunk("B-PER", "B-LOC"));
    }

    [Fact]
    public void BioesTagsChunkAsSeqevalDefaultMode()
    {
        Assert.Equal([new("PER", 0, 3), new("LOC", 3, 4)], Chunk("B-PER", "I-PER", "E-PER", "S-LOC"));
        // After E or S an entity is closed: I-X / E-X open a new one.
        Assert.Equal([new("PER", 0, 2), new("PER", 2, 3)], Chunk("B-PER", "E-PER", "I-PER"));
        Assert.Equal([new("PER", 0, 1), new("PER", 1, 2)], Chunk("S-PER", "E-PER"));
        // B followed by S: two entities; an E without B after O opens (and closes) one.
        Assert.Equal([new("LOC", 0, 1), new("LOC", 1, 2), new("LOC", 3, 4)], Chunk("B-LOC", "S-LOC", "O", "E-LOC"));
    }

    [Fact]
    public void BareTagsHaveTheUntypedType()
    {
        // seqeval test_get_entities_with_only_IOB, one sentence at a time.
        Assert.Equal([new("_", 3, 6)], Chunk("O", "O", "O", "B", "I", "I", "O"));
        Assert.Equal([new("_", 0, 2)], Chunk("B", "I", "O"));
        Assert.Equal([new("_", 0, 2)], Chunk("B-", "I"));
    }

    [Fact]
    public void TypesKeepEverythingAfterThePrefix()
        => Assert.Equal([new("PER-X", 0, 2)], Chunk("B-PER-X", "I-PER-X"));

    [Fact]
    public void EmptySentenceHasNoEntity() => Assert.Empty(Chunk());

    [Theory]
    [InlineData("PER")]
    [InlineData("O-PER")]
    [InlineData("BPER")]
    [InlineData("L-PER")]
    [InlineData("")]
    public void TagWithoutAKnownPrefixIsRejectedNamingTagAndWord(string tag)
    {
        var error = Assert.Throws<FormatException>(() => Chunk("O", tag));
        Assert.Contains($"'{tag}'", error.Message);
        Assert.Contains("word 1", error.Message);
    }
}
