using Microsoft.ML.Data;
using Microsoft.ML.RemBert.Evaluation;

namespace Microsoft.ML.RemBert.MLNet.Trainers.NamedEntities;

/// <summary>
/// The tags a NER model predicts, in key order (key k is tag <c>Names[k - 1]</c>): read from the label column's key
/// type and KeyValues annotation, checked to be tags the entity chunker reads (BIO / IOB2 / IOBES), and the key type
/// of the label and of PredictedLabel.
/// </summary>
internal sealed class TagSet
{
    public TagSet(IReadOnlyList<string> names)
    {
        if (names.Count < 2)
            throw new ArgumentOutOfRangeException(nameof(names), names.Count, $"Named-entity recognition needs at least 2 tags; there are {names.Count}.");
        Names = names;
        KeyType = new KeyDataViewType(typeof(uint), names.Count);
    }

    /// <summary>Tag names by tag index (0-based; key = index + 1).</summary>
    public IReadOnlyList<string> Names { get; }

    /// <summary>Number of tags.</summary>
    public int Count => Names.Count;

    /// <summary>The key type of PredictedLabel's items (UInt32 keys of <see cref="Count"/> values).</summary>
    public KeyDataViewType KeyType { get; }

    /// <summary>
    /// The tag set of a label column: a vector of keys with a known count and text KeyValues that are all tags.
    /// Throws naming the column, the data and what is wrong.
    /// </summary>
    public static TagSet ForLabel(DataViewSchema schema, string labelColumnName, string dataName)
    {
        var label = schema.GetColumnOrNull(labelColumnName)
            ?? throw new ArgumentOutOfRangeException("LabelColumnName", labelColumnName, $"The {dataName} has no label column '{labelColumnName}' (LabelColumnName).");
        if (label.Type is not VectorDataViewType { ItemType: KeyDataViewType key } || key.Count < 2 || key.Count > int.MaxValue)
            throw new ArgumentOutOfRangeException("LabelColumnName", labelColumnName,
                $"Label column '{labelColumnName}' of the {dataName} is {label.Type}; it must be a vector of keys, one per word, " +
                "with at least 2 known values (e.g. MapValueToKey over a vector of tag strings).");
        if (label.Annotations.Schema.GetColumnOrNull(AnnotationUtils.Kinds.KeyValues) is not { Type: VectorDataViewType { ItemType: TextDataViewType } })
            throw new ArgumentOutOfRangeException("LabelColumnName", labelColumnName,
                $"Label column '{labelColumnName}' of the {dataName} has keys without text KeyValues, so its tag names are unknown: " +
                "build it with MapValueToKey over the tag strings.");
        VBuffer<ReadOnlyMemory<char>> values = default;
        label.GetKeyValues(ref values);
        var names = values.DenseValues().Select(value => value.ToString()).ToArray();
        for (int i = 0; i < names.Length; i++)
        {
            try
            {
                EntityChunker.GetEntities([names[i]]);
            }
            catch (FormatException)
            {
                throw new ArgumentOutOfRangeException("LabelColumnName", labelColumnName,
                    $"Label column '{labelColumnName}' of the {dataName} has the tag '{names[i]}' (key {i + 1}), which is not a BIO/IOB2 tag: " +
                    "tags are 'O' or a prefix B-, I-, E- or S- and an entity type, e.g. 'B-PER'.");
            }
        }
        if (names.GroupBy(name => name, StringComparer.Ordinal).FirstOrDefault(group => group.Count() > 1) is { } duplicate)
            throw new ArgumentOutOfRangeException("LabelColumnName", labelColumnName,
                $"Label column '{labelColumnName}' of the {dataName} names the tag '{duplicate.Key}' twice in its KeyValues.");
        return new TagSet(names);
    }

    /// <summary>Whether a label column of <paramref name="type"/> holds keys of this tag set.</summary>
    public bool Accepts(DataViewType type) => type is VectorDataViewType { ItemType: KeyDataViewType key } && key.Count == (ulong)Count;

    /// <summary>
    /// A function returning the current row's tag indexes (0-based) from the label column. A missing key (0) or a key past
    /// the count is an error naming the row, the word, the column and <paramref name="dataName"/>.
    /// </summary>
    public Func<int[]> CreateLabelReader(DataViewRow row, DataViewSchema.Column column, string dataName)
    {
        var keys = KeyVectorReader.Create(row, column);
        return () =>
        {
            var raw = keys();
            var tags = new int[raw.Length];
            for (int word = 0; word < raw.Length; word++)
            {
                if (raw[word] == 0 || raw[word] > (ulong)Count)
                    throw new InvalidOperationException(
                        $"Row {row.Position} of the {dataName}, column '{column.Name}', word {word}: key {raw[word]} is not a tag " +
                        (raw[word] == 0 ? "(a missing value: a tag MapValueToKey did not see when it was fitted?)." : $"(the key type has {Count} values)."));
                tags[word] = (int)(raw[word] - 1);
            }
            return tags;
        };
    }
}
