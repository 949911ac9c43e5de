using Microsoft.ML.Data;
using Microsoft.ML.Runtime;

namespace Microsoft.ML.RemBert.MLNet.Evaluation;

/// <summary>
/// Reads one string per item (a tag per word for NER, a label name per label for multi-label) from a column that is
/// either a vector of keys whose type carries a KeyValues annotation of text (what <c>MapValueToKey</c> produces and
/// the NER trainer predicts), or a vector of text.
/// </summary>
internal sealed class TagSequenceColumn
{
    private const string KeyValuesKind = "KeyValues";

    private readonly DataViewSchema.Column _column;
    // Tag of key k at index k - 1; null for a vector of text.
    private readonly string[]? _keyNames;
    // How errors name an item and its string: "word" and "tag" for NER.
    private readonly string _item;
    private readonly string _value;

    private TagSequenceColumn(DataViewSchema.Column column, string[]? keyNames, string item, string value)
    {
        _column = column;
        _keyNames = keyNames;
        _item = item;
        _value = value;
    }

    public DataViewSchema.Column Column => _column;

    /// <summary>The strings of keys 1..N for a vector of keys; null for a vector of text.</summary>
    public IReadOnlyList<string>? KeyNames => _keyNames;

    /// <summary>Finds and checks the column; <paramref name="role"/> names it in errors ("label", "predicted label").</summary>
    public static TagSequenceColumn Find(IExceptionContext ectx, DataViewSchema schema, string role, string name, string item = "word", string value = "tag")
    {
        var found = schema.GetColumnOrNull(name)
            ?? throw ectx.ExceptSchemaMismatch(nameof(schema), role, name);
        if (!IsTextOrKeyVector(found.Type))
            throw ectx.ExceptSchemaMismatch(nameof(schema), role, name, "vector of keys or vector of text", found.Type.ToString());
        var column = TryOf(found, item, value);
        return column ?? throw ectx.ExceptParam(nameof(schema),
            $"The {role} column '{name}' is a vector of keys without a KeyValues annotation of text, so its {value} names are unknown: " +
            $"build it with MapValueToKey over the {value} strings, or give a vector of text.");
    }

    /// <summary>Whether <paramref name="type"/> is a vector of text or of keys.</summary>
    public static bool IsTextOrKeyVector(DataViewType type) => type is VectorDataViewType { ItemType: TextDataViewType or KeyDataViewType };

    /// <summary>
    /// The reader of a column <see cref="IsTextOrKeyVector"/> accepts; null for a vector of keys without text KeyValues.
    /// </summary>
    public static TagSequenceColumn? TryOf(DataViewSchema.Column column, string item, string value)
    {
        if (((VectorDataViewType)column.Type).ItemType is TextDataViewType)
            return new TagSequenceColumn(column, null, item, value);
        if (column.Annotations.Schema.GetColumnOrNull(KeyValuesKind) is not { Type: VectorDataViewType { ItemType: TextDataViewType } })
            return null;
        var names = default(VBuffer<ReadOnlyMemory<char>>);
        column.Annotations.GetValue(KeyValuesKind, ref names);
        return new TagSequenceColumn(column, names.DenseValues().Select(name => name.ToString()).ToArray(), item, value);
    }

    /// <summary>A getter of the current row's tags; errors name the row, the column and the word.</summary>
    public Func<string[]> CreateGetter(DataViewRow row)
    {
        if (_keyNames is not { } names)
        {
            var textGetter = row.GetGetter<VBuffer<ReadOnlyMemory<char>>>(_column);
            var text = default(VBuffer<ReadOnlyMemory<char>>);
            return () =>
            {
                textGetter(ref text);
                return text.DenseValues().Select(value => value.ToString()).ToArray();
            };
        }
        var keys = KeyVectorReader.Create(row, _column);
        return () => keys().Select((key, word) => TagOfKey(names, key, word, row.Position)).ToArray();
    }

    private string TagOfKey(string[] names, ulong key, int word, long row)
    {
        if (key == 0 || key > (ulong)names.Length)
            throw new InvalidOperationException(
                $"Row {row}, column '{_column.Name}', {_item} {word}: key {key} has no {_value} " +
                (key == 0 ? "(a missing value)." : $"(the key type has {names.Length} values)."));
        return names[key - 1];
    }
}
