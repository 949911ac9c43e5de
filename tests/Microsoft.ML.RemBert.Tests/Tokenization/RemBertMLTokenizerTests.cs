using System.Buffers;
using Microsoft.ML.RemBert.Tests.Infrastructure;
using Microsoft.ML.RemBert.Tokenization;
using Microsoft.ML.Tokenizers;
using Xunit;

namespace Microsoft.ML.RemBert.Tests.Tokenization;

/// <summary>
/// <see cref="RemBertMLTokenizer"/>: RemBertTokenizer through Microsoft.ML.Tokenizers' <see cref="Tokenizer"/> API,
/// used as a caller of that API would (through a <see cref="Tokenizer"/> reference), on ../shared's 3,020 lines.
/// </summary>
public class RemBertMLTokenizerTests
{
    private static readonly Lazy<string[]> Lines = new(() => SentencePieceFixtures.ReadLines(TestPaths.Fixture("sentencepiece", "lines.txt")));

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void IdsTokensOffsetsAndCountsAreRemBertTokenizersOnEveryReferenceLine(bool addSpecialTokens)
    {
        var rembert = FixtureTokenizer.Load();
        Tokenizer tokenizer = new RemBertMLTokenizer(rembert, addSpecialTokens);
        var options = new RemBertEncodeOptions { AddSpecialTokens = addSpecialTokens };
        string[] lines = Lines.Value;
        Assert.Equal(3020, lines.Length);

        int mismatches = 0;
        foreach (string line in lines)
        {
            var expected = rembert.Encode(line, options: options);
            var ids = tokenizer.EncodeToIds(line);
            var tokens = tokenizer.EncodeToTokens(line, out string? normalized);
            bool same = ids.SequenceEqual(expected.InputIds)
                && tokens.Select(t => t.Id).SequenceEqual(expected.InputIds)
                && tokens.Select(t => (t.Offset.Start.Value, t.Offset.End.Value)).SequenceEqual(expected.Offsets)
                && tokens.Select(t => t.Value).SequenceEqual(expected.InputIds.Select(rembert.SentencePiece.IdToPiece))
                && tokenizer.CountTokens(line) == expected.InputIds.Length
                && tokenizer.EncodeToIds(line.AsSpan()).SequenceEqual(expected.InputIds)
                && normalized is null;
            if (!same) mismatches++;
        }
        Assert.Equal(0, mismatches);
    }

    [Fact]
    public void SpecialTokensWrapTheTextAndDecodeBack()
    {
        var rembert = FixtureTokenizer.Load();
        Tokenizer tokenizer = new RemBertMLTokenizer(rembert);
        var ids = tokenizer.EncodeToIds("Hello world");
        Assert.Equal(FixtureTokenizer.Cls, ids[0]);
        Assert.Equal(FixtureTokenizer.Sep, ids[^1]);
        Assert.Equal(rembert.Decode(ids), tokenizer.Decode(ids));
        Assert.Equal(rembert.Decode(ids, skipSpecialTokens: true), new RemBertMLTokenizer(rembert).Decode(ids, skipSpecialTokens: true));
    }

    [Fact]
    public void ATokenBudgetKeepsAPrefixCutBetweenCharactersAndSaysWhereItEnds()
    {
        Tokenizer tokenizer = new RemBertMLTokenizer(FixtureTokenizer.Load());
        int checkedCuts = 0;
        foreach (string line in Lines.Value.Where(l => l.Length > 20).Take(300))
        {
            var all = tokenizer.EncodeToTokens(line, out _);
            foreach (int budget in new[] { 1, 2, 3, 5, all.Count / 2, all.Count - 1, all.Count, all.Count + 3 })
            {
                if (budget < 1) continue;
                var ids = tokenizer.EncodeToIds(line, budget, out _, out int consumed);
                int index = tokenizer.GetIndexByTokenCount(line, budget, out _, out int count);
                Assert.Equal(consumed, index);
                Assert.Equal(ids.Count, count);
                Assert.True(ids.Count <= budget, $"{ids.Count} ids for a budget of {budget}");
                if (budget >= all.Count)
                {
                    Assert.Equal(all.Select(t => t.Id), ids);
                    Assert.Equal(line.Length, consumed);
                    continue;
                }
                if (budget < 2)
                {
                    Assert.Empty(ids);
                    continue;
                }
                // [CLS], a prefix of the text's tokens ending where `consumed` says, [SEP].
                Assert.Equal(FixtureTokenizer.Cls, ids[0]);
                Assert.Equal(FixtureTokenizer.Sep, ids[^1]);
                int kept = ids.Count - 2;
                Assert.Equal(all.Skip(1).Take(kept).Select(t => t.Id), ids.Skip(1).Take(kept));
                Assert.Equal(kept == 0 ? 0 : all[kept].Offset.End.Value, consumed);
                // Never between two tokens of one character: the next text token starts at or after the cut.
                Assert.True(all[kept + 1].Offset.Start.Value >= consumed);
                checkedCuts++;
            }
        }
        Assert.True(checkedCuts > 1000, $"only {checkedCuts} cuts checked");
    }

    [Fact]
    public void ATokenBudgetFromTheEndKeepsASuffix()
    {
        Tokenizer tokenizer = new RemBertMLTokenizer(FixtureTokenizer.Load(), addSpecialTokens: false);
        foreach (string line in Lines.Value.Where(l => l.Length > 20).Take(300))
        {
            var all = tokenizer.EncodeToTokens(line, out _);
            foreach (int budget in new[] { 1, 4, all.Count - 1 })
            {
                if (budget < 1 || budget >= all.Count) continue;
                int start = tokenizer.GetIndexByTokenCountFromEnd(line, budget, out _, out int count);
                Assert.InRange(count, 0, budget);
                var kept = all.Skip(all.Count - count).ToArray();
                Assert.Equal(count == 0 ? line.Length : kept[0].Offset.Start.Value, start);
                if (count < all.Count) Assert.True(all[all.Count - count - 1].Offset.End.Value <= start);
            }
        }
    }

    [Fact]
    public void DecodingIntoATooSmallSpanWritesTheLongestPrefixThatFits()
    {
        var rembert = FixtureTokenizer.Load();
        var tokenizer = new RemBertMLTokenizer(rembert, addSpecialTokens: false);
        string line = Lines.Value.First(l => l.Length > 60);
        var ids = tokenizer.EncodeToIds(line);
        string full = tokenizer.Decode(ids);

        var room = new char[full.Length];
        Assert.Equal(OperationStatus.Done, tokenizer.Decode(ids, room, out int consumed, out int written));
        Assert.Equal((ids.Count, full), (consumed, new string(room, 0, written)));

        var small = new char[full.Length / 2];
        Assert.Equal(OperationStatus.DestinationTooSmall, tokenizer.Decode(ids, small, out consumed, out written));
        Assert.InRange(consumed, 1, ids.Count - 1);
        Assert.Equal(rembert.Decode(ids.Take(consumed)), new string(small, 0, written));
        Assert.True(rembert.Decode(ids.Take(consumed + 1)).Length > small.Length, "one more id would have fitted");
    }
}
