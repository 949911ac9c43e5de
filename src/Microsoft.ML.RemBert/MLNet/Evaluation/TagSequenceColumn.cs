using Microsoft.ML.Data;
using Microsoft.ML.Runtime;

namespace Microsoft.ML.RemBert.MLNet.Evaluation;

/// <summary>
/// Reads one tag string per word from a column that is either a vector of keys whose type carries a KeyValues
/// annotation of text (what <c>MapValueToKey</c> produces and the NER trainer predicts), or a vector of text.
/// </summary>
internal sealed class TagSequenceColumn
{
    private const string KeyValuesKind = "KeyValues";

    private readonly DataViewSchema.Column _column;
    // Tag of key k at index k - 1; null for a vector of text.
    private readonly string[]? _keyNames;

    private TagSequenceColumn(DataViewSchema.Column column, string[]? keyNames)
    {
        _column = column;
        _keyNames = keyNames;
    }

    public DataViewSchema.Column Column => _column;

    /// <summary>Finds and checks the column; <paramref name="role"/> names it in errors ("label", "predicted label").</summary>
    public static TagSequenceColumn Find(IExceptionContext ectx, DataViewSchema schema, string role, string name)
    {
        var found = schema.GetColumnOrNull(name)
            ?? throw ectx.ExceptSchemaMismatch(nameof(schema), role, name);
        if (found is not { Type: VectorDataViewType { ItemType: var itemType } })
            throw ectx.ExceptSchemaMismatch(nameof(schema), role, name, "vector of keys or vector of text", found.Type.ToString());
        if (itemType is TextDataViewType)
            return new TagSequenceColumn(found, null);
        if (itemType is not KeyDataViewType)
            throw ectx.ExceptSchemaMismatch(nameof(schema), role, name, "vector of keys or vector of text", found.Type.ToString());
        if (found.Annotations.Schema.GetColumnOrNull(KeyValuesKind) is not { Type: VectorDataViewType { ItemType: TextDataViewType } })
            throw ectx.ExceptParam(nameof(schema),
                $"The {role} column '{name}' is a vector of keys without a KeyValues annotation of text, so its tag names are unknown: " +
                "build it with MapValueToKey over the tag strings, or give a vector of text.");
        var names = default(VBuffer<ReadOnlyMemory<char>>);
        found.Annotations.GetValue(KeyValuesKind, ref names);
        return new TagSequenceColumn(found, names.DenseValues().Select(value => value.ToString()).ToArray());
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
                $"Row {row}, column '{_column.Name}', word {word}: key {key} has no tag " +
                (key == 0 ? "(a missing value)." : $"(the key type has {names.Length} values)."));
        return names[key - 1];
    }
}
