using Microsoft.ML.Data;
using Microsoft.ML.RemBert.MLNet.Scoring;

namespace Microsoft.ML.RemBert.MLNet.Trainers.NamedEntities;

/// <summary>
/// Where a row's words come from: a vector-of-text column of words as given, or a text column split on whitespace
/// (Python's <c>str.split()</c>: runs of whitespace separate words, none are empty). The one place both the trainer and
/// the transformer read words, so they see the same words.
/// </summary>
internal sealed class WordSource
{
    private WordSource(string columnName, string optionName, bool isWordsColumn)
    {
        ColumnName = columnName;
        OptionName = optionName;
        IsWordsColumn = isWordsColumn;
        InputColumn = isWordsColumn ? new ScoringInputColumn(columnName, TextDataViewType.Instance, IsVector: true) : ScoringInputColumn.Text(columnName);
    }

    /// <summary>The column read.</summary>
    public string ColumnName { get; }

    /// <summary>The option that names it (for errors): WordsColumnName or Sentence1ColumnName.</summary>
    public string OptionName { get; }

    /// <summary>Whether the column is a vector of words (else a text split on whitespace).</summary>
    public bool IsWordsColumn { get; }

    /// <summary>The column as the scoring base checks it.</summary>
    public ScoringInputColumn InputColumn { get; }

    /// <summary>Words from <paramref name="wordsColumnName"/> when set, else from <paramref name="sentence1ColumnName"/> split on whitespace.</summary>
    public static WordSource For(string? wordsColumnName, string sentence1ColumnName) => wordsColumnName is null
        ? new WordSource(sentence1ColumnName, "Sentence1ColumnName", isWordsColumn: false)
        : new WordSource(wordsColumnName, "WordsColumnName", isWordsColumn: true);

    /// <summary>Throws, naming the column, the option and the data, when the column is missing or of another type.</summary>
    public void CheckSchema(DataViewSchema schema, string dataName)
    {
        var column = schema.GetColumnOrNull(ColumnName)
            ?? throw new ArgumentOutOfRangeException(OptionName, ColumnName, $"The {dataName} has no column '{ColumnName}' ({OptionName}).");
        if (!InputColumn.Accepts(column.Type))
            throw new ArgumentOutOfRangeException(OptionName, ColumnName,
                $"Column '{ColumnName}' ({OptionName}) of the {dataName} is {column.Type}; it must be {(IsWordsColumn ? "a vector of text (one word per slot)" : "text (String)")}.");
    }

    /// <summary>A function returning the words of the current row of <paramref name="row"/>.</summary>
    public Func<string[]> CreateReader(DataViewRow row)
    {
        var column = row.Schema[ColumnName];
        if (IsWordsColumn)
        {
            var getWords = row.GetGetter<VBuffer<ReadOnlyMemory<char>>>(column);
            VBuffer<ReadOnlyMemory<char>> words = default;
            return () =>
            {
                getWords(ref words);
                return words.DenseValues().Select(word => word.ToString()).ToArray();
            };
        }
        var getText = row.GetGetter<ReadOnlyMemory<char>>(column);
        ReadOnlyMemory<char> text = default;
        return () =>
        {
            getText(ref text);
            return SplitOnWhitespace(text.Span);
        };
    }

    /// <summary>The words of <paramref name="text"/>: maximal runs of non-whitespace characters.</summary>
    public static string[] SplitOnWhitespace(ReadOnlySpan<char> text)
    {
        var words = new List<string>();
        int start = -1;
        for (int i = 0; i <= text.Length; i++)
        {
            bool separator = i == text.Length || char.IsWhiteSpace(text[i]);
            if (separator && start >= 0)
            {
                words.Add(text[start..i].ToString());
                start = -1;
            }
            else if (!separator && start < 0)
            {
                start = i;
            }
        }
        return words.ToArray();
    }
}
