using Microsoft.ML.RemBert.MLNet.Training;
using Microsoft.ML.RemBert.Modeling;

namespace Microsoft.ML.RemBert.MLNet.Trainers.NamedEntities;

/// <summary>
/// One window of a tagged sentence, the unit the training loop batches: its ids, its labels (the tag index at each
/// word's first piece, -100 elsewhere), and for validation the sentence it comes from and the words it is the
/// placement of.
/// </summary>
/// <param name="Window">The window's ids and first pieces.</param>
/// <param name="Labels">Per position: a tag index, or <see cref="RemBertLosses.IgnoreIndex"/>.</param>
/// <param name="Sentence">The row's index among the examples' rows, and its tags (shared by its windows).</param>
/// <param name="PlacedWords">Positions of this window that words are predicted from, with their word index.</param>
internal sealed record NamedEntityExample(WordWindow Window, long[] Labels, TaggedSentence Sentence, (int Position, int Word)[] PlacedWords)
    : ITrainingExample
{
    /// <inheritdoc/>
    public int Length => Window.InputIds.Length;

    /// <summary>
    /// Reads every row of <paramref name="data"/> into windows; errors name the row, column and <paramref name="dataName"/>
    /// (a tag count that is not the word count, a missing tag). Sentences without words teach nothing and are skipped.
    /// </summary>
    public static List<NamedEntityExample> ReadAll(IDataView data, WordSource words, WordWindows windows, TagSet tags,
        string labelColumnName, string dataName, CancellationToken cancellationToken)
    {
        words.CheckSchema(data.Schema, dataName);
        var checkedTags = TagSet.ForLabel(data.Schema, labelColumnName, dataName);
        if (!tags.Names.SequenceEqual(checkedTags.Names))
            throw new ArgumentOutOfRangeException("LabelColumnName", labelColumnName,
                $"Label column '{labelColumnName}' of the {dataName} has the tags [{string.Join(", ", checkedTags.Names)}] but the training data has " +
                $"[{string.Join(", ", tags.Names)}]: map both with the same MapValueToKey transformer.");
        var label = data.Schema[labelColumnName];
        using var cursor = data.GetRowCursor([data.Schema[words.ColumnName], label]);
        var readWords = words.CreateReader(cursor);
        var readTags = tags.CreateLabelReader(cursor, label, dataName);
        var examples = new List<NamedEntityExample>();
        int sentences = 0;
        while (cursor.MoveNext())
        {
            cancellationToken.ThrowIfCancellationRequested();
            var rowWords = readWords();
            var rowTags = readTags();
            if (rowTags.Length != rowWords.Length)
                throw new InvalidOperationException(
                    $"Row {cursor.Position} of the {dataName}: column '{labelColumnName}' has {rowTags.Length} tags but column '{words.ColumnName}' has " +
                    $"{rowWords.Length} words{(words.IsWordsColumn ? "" : " (split on whitespace)")}; there must be exactly one tag per word.");
            if (rowWords.Length == 0)
                continue;
            var sentence = new TaggedSentence(sentences++, rowTags);
            examples.AddRange(Windows(windows.Encode(rowWords), sentence));
        }
        if (examples.Count == 0)
            throw new ArgumentException($"The {dataName} has no rows with words: there is nothing to train on or score.", nameof(data));
        return examples;
    }

    private static IEnumerable<NamedEntityExample> Windows(WindowedWords encoded, TaggedSentence sentence)
    {
        for (int k = 0; k < encoded.Windows.Length; k++)
        {
            var window = encoded.Windows[k];
            var labels = window.WordAt.Select(word => word < 0 ? RemBertLosses.IgnoreIndex : sentence.Tags[word]).ToArray();
            // A window holding no first piece (inside one very long word) has nothing to learn or predict.
            if (labels.All(label => label == RemBertLosses.IgnoreIndex))
                continue;
            var placed = encoded.Placements.Select((placement, word) => (placement, word))
                .Where(pair => pair.placement.Window == k)
                .Select(pair => (pair.placement.Position, pair.word))
                .ToArray();
            yield return new NamedEntityExample(window, labels, sentence, placed);
        }
    }
}

/// <summary>A row's index among the rows read and its tag index per word.</summary>
internal sealed record TaggedSentence(int Index, int[] Tags);
