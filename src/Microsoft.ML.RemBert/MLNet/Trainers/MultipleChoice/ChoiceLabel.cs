using System.Globalization;
using Microsoft.ML.Data;
using Microsoft.ML.RemBert.Trainers;

namespace Microsoft.ML.RemBert.MLNet.Trainers.MultipleChoice;

/// <summary>
/// The label column of multiple choice: the index of the right choice, as a key (mapped back to the choice index
/// through its KeyValues annotation when it has one: <c>MapValueToKey</c> numbers keys by first appearance unless told
/// to sort) or as a UInt32 / Int32 index. Reads raw labels row by row, then turns them into choice indices once the
/// choice count is known (a variable-size choices column tells it only at its first row).
/// </summary>
internal sealed class ChoiceLabel
{
    private const string Option = nameof(RemBertMultipleChoiceOptions.LabelColumnName);

    private readonly DataViewSchema.Column _column;
    private readonly string _dataName;

    private ChoiceLabel(DataViewSchema.Column column, string dataName)
    {
        _column = column;
        _dataName = dataName;
    }

    /// <summary>The label column.</summary>
    public DataViewSchema.Column Column => _column;

    private bool IsKey => _column.Type is KeyDataViewType;

    /// <summary>Finds the label column and checks its type; throws naming the column and the data.</summary>
    public static ChoiceLabel Find(DataViewSchema schema, string name, string dataName)
    {
        var column = schema.GetColumnOrNull(name)
            ?? throw new ArgumentOutOfRangeException(Option, name, $"The {dataName} has no label column '{name}' ({Option}).");
        bool accepted = column.Type is KeyDataViewType { Count: > 0 } || column.Type == NumberDataViewType.UInt32 || column.Type == NumberDataViewType.Int32;
        if (!accepted)
            throw new ArgumentOutOfRangeException(Option, name,
                $"Label column '{name}' of the {dataName} is {column.Type}; it must be a key type (e.g. MapValueToKey over the choice indices) " +
                "or a UInt32 or Int32 choice index.");
        return new ChoiceLabel(column, dataName);
    }

    /// <summary>
    /// A function reading the current row's raw label: the key (1-based; key 0, a missing value, is an error naming the
    /// row) or the integer index as it is.
    /// </summary>
    public Func<long> CreateRawReader(DataViewRow row)
    {
        Func<long> read = _column.Type.RawType switch
        {
            var t when t == typeof(uint) => Reader<uint>(row, value => value),
            var t when t == typeof(int) => Reader<int>(row, value => value),
            var t when t == typeof(byte) => Reader<byte>(row, value => value),
            var t when t == typeof(ushort) => Reader<ushort>(row, value => value),
            _ => Reader<ulong>(row, value => (long)Math.Min(value, long.MaxValue)),
        };
        if (!IsKey)
            return read;
        return () =>
        {
            long key = read();
            if (key == 0)
                throw new InvalidOperationException($"Row {row.Position} of the {_dataName} has a missing label (key 0) in column '{_column.Name}'.");
            return key;
        };
    }

    /// <summary>
    /// The classes of the label for rows of <paramref name="choiceCount"/> choices: class k - 1 (key k) is the choice of
    /// key value k; without key values, or for an integer label, class i is choice i. A key type of another count is an
    /// error naming the column and both counts. Key values that are not choice indices map to -1: <see cref="ChoiceOf"/>
    /// reports the row that uses one, <see cref="ChoiceClasses.Check"/> any left over.
    /// </summary>
    public int[] ChoiceOfClass(int choiceCount)
    {
        if (_column.Type is not KeyDataViewType key)
            return Enumerable.Range(0, choiceCount).ToArray();
        if (key.Count != (ulong)choiceCount)
            throw new ArgumentOutOfRangeException(Option, _column.Name,
                $"Label column '{_column.Name}' of the {_dataName} is a key type of {key.Count} values but rows have {choiceCount} choices: " +
                "the key needs one value per choice index (MapValueToKey over data holding every index 0.." + (choiceCount - 1) + "), " +
                "or give the index as a UInt32 or Int32 column.");
        var values = KeyValueTexts();
        if (values is null)
            return Enumerable.Range(0, choiceCount).ToArray();
        return values.Select(text => int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int choice)
            && choice >= 0 && choice < choiceCount ? choice : -1).ToArray();
    }

    /// <summary>The choice index of a raw label (<see cref="CreateRawReader"/>); out of range is an error naming the row, the column and the range.</summary>
    public int ChoiceOf(long raw, int[] choiceOfClass, long row)
    {
        int count = choiceOfClass.Length;
        if (!IsKey)
        {
            if (raw < 0 || raw >= count)
                throw new InvalidOperationException(
                    $"Row {row} of the {_dataName} has label {raw} in column '{_column.Name}' but the rows have {count} choices: " +
                    $"the label must be a choice index from 0 to {count - 1}.");
            return (int)raw;
        }
        int choice = choiceOfClass[raw - 1];
        if (choice < 0)
            throw new InvalidOperationException(
                $"Row {row} of the {_dataName} has label '{KeyValueTexts()![raw - 1]}' (key {raw}) in column '{_column.Name}' but the rows have {count} choices: " +
                $"the label must be a choice index from 0 to {count - 1}.");
        return choice;
    }

    private Func<long> Reader<T>(DataViewRow row, Func<T, long> widen)
    {
        var getter = row.GetGetter<T>(_column);
        T value = default!;
        return () =>
        {
            getter(ref value);
            return widen(value);
        };
    }

    // The key values as invariant text (numbers or strings), or null when the key type has none.
    private string[]? KeyValueTexts()
    {
        if (_column.Annotations.Schema.GetColumnOrNull(AnnotationUtils.Kinds.KeyValues) is not { Type: VectorDataViewType vector })
            return null;
        var method = typeof(ChoiceLabel).GetMethod(nameof(TextsOf), System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static)!
            .MakeGenericMethod(vector.ItemType.RawType);
        return (string[])method.Invoke(null, [_column])!;
    }

    private static string[] TextsOf<T>(DataViewSchema.Column column)
    {
        VBuffer<T> values = default;
        column.Annotations.GetValue(AnnotationUtils.Kinds.KeyValues, ref values);
        return values.DenseValues().Select(value => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "").ToArray();
    }
}
