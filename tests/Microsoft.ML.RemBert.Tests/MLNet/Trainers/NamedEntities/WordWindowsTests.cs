using Microsoft.ML.RemBert.MLNet.Trainers.NamedEntities;
using Microsoft.ML.RemBert.Tokenization;
using Xunit;

namespace Microsoft.ML.RemBert.Tests.MLNet.Trainers.NamedEntities;

/// <summary>
/// How a sentence's words become windows: each word tokenized alone, its first piece standing for it (the position
/// every tag is read from), windows of at most MaxSequenceLength sharing Stride pieces, each word placed where it has
/// the most context. Uses the committed tiny tokenizer, whose small vocabulary splits most words into several pieces.
/// </summary>
public sealed class WordWindowsTests
{
    private static readonly RemBertTokenizer Tokenizer = RemBertTokenizer.FromPretrained(KeywordData.TinyTokenizerPath);

    private static readonly string[] LongSentence =
        "yesterday Maria visited her friend Hans Müller in Frankfurt and then they went to the museum of modern art near the river".Split(' ');

    [Fact]
    public void EveryWordIsPlacedOnItsOwnFirstPiece()
    {
        var windows = new WordWindows(Tokenizer, maxSequenceLength: 10, stride: 3);
        var encoded = windows.Encode(LongSentence);

        Assert.True(encoded.Windows.Length >= 4, $"{encoded.Windows.Length} windows");
        Assert.Equal(LongSentence.Length, encoded.WordCount);
        Assert.Contains(LongSentence, word => windows.Pieces(word).Length > 1);
        for (int word = 0; word < LongSentence.Length; word++)
        {
            var placement = encoded.Placements[word];
            var window = encoded.Windows[placement.Window];
            Assert.Equal(windows.Pieces(LongSentence[word])[0], window.InputIds[placement.Position]);
            Assert.Equal(word, window.WordAt[placement.Position]);
        }
        // Every word's first piece is marked in every window holding it, and nothing else is.
        foreach (var window in encoded.Windows)
        {
            Assert.Equal(-1, window.WordAt[0]);
            Assert.Equal(-1, window.WordAt[^1]);
            var marked = window.WordAt.Where(word => word >= 0).ToArray();
            Assert.Equal(marked.Order(), marked);
            Assert.Equal(marked.Length, marked.Distinct().Count());
        }
        Assert.Equal(Enumerable.Range(0, LongSentence.Length), encoded.Windows.SelectMany(window => window.WordAt.Where(word => word >= 0)).Distinct().Order());
    }

    [Fact]
    public void WindowsAreBoundedShareStridePiecesAndCoverTheSentenceInOrder()
    {
        const int maxLength = 10, stride = 3;
        var windows = new WordWindows(Tokenizer, maxLength, stride);
        var pieces = LongSentence.SelectMany(windows.Pieces).ToArray();
        var encoded = windows.Encode(LongSentence);

        var bodies = encoded.Windows.Select(window =>
        {
            Assert.True(window.InputIds.Length <= maxLength);
            Assert.Equal(Tokenizer.ClsTokenId, window.InputIds[0]);
            Assert.Equal(Tokenizer.SepTokenId, window.InputIds[^1]);
            return window.InputIds[1..^1];
        }).ToArray();
        var rebuilt = bodies[0].ToList();
        for (int k = 1; k < bodies.Length; k++)
        {
            Assert.Equal(bodies[k - 1][^stride..], bodies[k][..stride]);
            rebuilt.AddRange(bodies[k][stride..]);
        }
        Assert.Equal(pieces, rebuilt);
    }

    [Fact]
    public void AWordSharedByTwoWindowsIsPredictedWhereItHasMoreContext()
    {
        var windows = new WordWindows(Tokenizer, maxSequenceLength: 10, stride: 3);
        var encoded = windows.Encode(LongSentence);
        // A first piece at the last position of a window that the next window also holds has no right context in
        // the first and some in the second: it is placed in the second.
        int shared = 0;
        for (int k = 0; k + 1 < encoded.Windows.Length; k++)
        {
            int lastWord = encoded.Windows[k].WordAt[^2];
            if (lastWord < 0)
                continue;
            shared++;
            Assert.Equal(k + 1, encoded.Placements[lastWord].Window);
        }
        Assert.True(shared > 0, "some window ends on a word's first piece");
    }

    [Fact]
    public void AShortSentenceIsOneWindowAndNoWordsAreNone()
    {
        var windows = new WordWindows(Tokenizer, maxSequenceLength: 64, stride: 8);
        var encoded = windows.Encode(["Maria", "lives", "in", "Paris"]);
        Assert.Single(encoded.Windows);
        Assert.All(encoded.Placements, placement => Assert.Equal(0, placement.Window));
        Assert.Equal(Tokenizer.Encode("Maria lives in Paris").InputIds.Length, encoded.Windows[0].InputIds.Length);

        var empty = windows.Encode([]);
        Assert.Empty(empty.Windows);
        Assert.Equal(0, empty.WordCount);
    }

    [Fact]
    public void AWordWithoutPiecesIsTheUnknownToken()
    {
        var windows = new WordWindows(Tokenizer, maxSequenceLength: 64, stride: 8);
        Assert.Equal([Tokenizer.UnkTokenId], windows.Pieces(""));
        var encoded = windows.Encode(["Maria", "", "Paris"]);
        Assert.Equal(Tokenizer.UnkTokenId, encoded.Windows[0].InputIds[encoded.Placements[1].Position]);
        Assert.Equal(3, encoded.WordCount);
    }

    [Fact]
    public void SentencesSplitOnAnyWhitespaceIntoNonEmptyWords()
    {
        Assert.Equal(["Maria", "lives", "in", "New", "York"], WordSource.SplitOnWhitespace("  Maria\tlives in\u00a0New\n York  "));
        Assert.Empty(WordSource.SplitOnWhitespace(" \t "));
    }

    [Fact]
    public void AStrideThatLeavesNoNewPiecesIsRefused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new WordWindows(Tokenizer, maxSequenceLength: 10, stride: 8));
        var options = new Microsoft.ML.RemBert.Trainers.RemBertNamedEntityRecognitionOptions { MaxSequenceLength = 24, Stride = 22, Model = "x" };
        var error = Assert.Throws<ArgumentOutOfRangeException>(options.Validate);
        Assert.Equal("Stride", error.ParamName);
        Assert.Contains("less than MaxSequenceLength - 2 = 22", error.Message);
    }
}
