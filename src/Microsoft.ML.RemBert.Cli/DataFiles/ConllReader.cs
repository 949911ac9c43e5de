using Microsoft.ML.Data;
using Microsoft.ML.RemBert.IO;

namespace Microsoft.ML.RemBert.Cli.DataFiles;

/// <summary>
/// Reads CoNLL named-entity files: one word per line with its tag after a tab (<c>word TAB tag</c>; a line without a tab
/// is split on whitespace and its first and last fields taken, as in CoNLL-2003's <c>word POS chunk tag</c>), a blank
/// line between sentences, <c>-DOCSTART-</c> lines skipped. Each sentence becomes one row: <c>Sentence1</c> (the words
/// joined by spaces), <c>Words</c> (the words) and <c>Label</c> (the tags, one per word, as text).
/// </summary>
internal static class ConllReader
{
    public const string Sentence1 = "Sentence1", Words = "Words", Label = "Label";

    /// <summary>Reads <paramref name="path"/>; without <paramref name="requireTags"/> a line may hold a word alone (input for prediction).</summary>
    public static IDataView Read(string path, bool requireTags = true)
    {
        TextVectors.RequireFile(path);
        var rows = new List<object[]>();
        var words = new List<string>();
        var tags = new List<string>();
        bool? tagged = null;
        foreach (var (lineNumber, line) in DataFileLines.Read(path))
        {
            if (string.IsNullOrWhiteSpace(line))
            {
                EndSentence();
                continue;
            }
            if (line.StartsWith("-DOCSTART-", StringComparison.Ordinal)) continue;
            var (word, tag) = Split(path, lineNumber, line);
            if (tag is null && requireTags)
                throw new InvalidDataException($"{path}: line {lineNumber}: expected 'word<TAB>tag', found '{line}' (no tag).");
            if (tagged is { } previous && previous != (tag is not null))
                throw new InvalidDataException($"{path}: line {lineNumber}: {(previous ? "a word without a tag" : "a tagged word")} among {(previous ? "tagged words" : "words without tags")}.");
            tagged = tag is not null;
            words.Add(word);
            if (tag is not null) tags.Add(tag);
        }
        EndSentence();
        if (rows.Count == 0) throw new InvalidDataException($"{path}: the file holds no sentence (expected 'word<TAB>tag' lines).");

        var schema = new DataViewSchema.Builder();
        schema.AddColumn(Sentence1, TextDataViewType.Instance);
        schema.AddColumn(Words, TextVectors.Type);
        if (tagged == true) schema.AddColumn(Label, TextVectors.Type);
        return new InMemoryDataView(schema.ToSchema(), rows);

        void EndSentence()
        {
            if (words.Count == 0) return;
            rows.Add(tagged == true
                ? [string.Join(' ', words).AsMemory(), TextVectors.Of(words), TextVectors.Of(tags)]
                : [string.Join(' ', words).AsMemory(), TextVectors.Of(words)]);
            words.Clear();
            tags.Clear();
        }
    }

    private static (string Word, string? Tag) Split(string path, int lineNumber, string line)
    {
        string[] fields = line.Contains('\t') ? line.Split('\t') : line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        string word = fields[0].Trim();
        if (word.Length == 0)
            throw new InvalidDataException($"{path}: line {lineNumber}, column 1: the word is empty.");
        if (word.Any(char.IsWhiteSpace))
            throw new InvalidDataException($"{path}: line {lineNumber}, column 1: the word '{word}' holds whitespace (one word per line).");
        if (fields.Length == 1) return (word, null);
        string tag = fields[^1].Trim();
        if (tag.Length == 0)
            throw new InvalidDataException($"{path}: line {lineNumber}, column {fields.Length}: the tag is empty.");
        return (word, tag);
    }
}
