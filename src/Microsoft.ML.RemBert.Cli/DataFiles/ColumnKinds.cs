using Microsoft.ML.Data;

namespace Microsoft.ML.RemBert.Cli.DataFiles;

/// <summary>The column item types the data-file readers and writers handle, and their ML.NET <see cref="DataKind"/>.</summary>
internal static class ColumnKinds
{
    private static readonly Dictionary<Type, DataKind> Kinds = new()
    {
        [typeof(ReadOnlyMemory<char>)] = DataKind.String,
        [typeof(float)] = DataKind.Single,
        [typeof(double)] = DataKind.Double,
        [typeof(int)] = DataKind.Int32,
        [typeof(long)] = DataKind.Int64,
        [typeof(uint)] = DataKind.UInt32,
        [typeof(bool)] = DataKind.Boolean,
    };

    /// <summary>The item type of a scalar or vector column.</summary>
    public static Type ItemType(DataViewType type) => type is VectorDataViewType vector ? vector.ItemType.RawType : type.RawType;

    /// <summary>The <see cref="DataKind"/> of a supported item type; throws naming the column otherwise.</summary>
    public static DataKind KindOf(DataViewSchema.Column column)
    {
        if (Kinds.TryGetValue(ItemType(column.Type), out var kind))
            return kind;
        throw new NotSupportedException($"Column '{column.Name}' has type {column.Type}, which data files cannot carry (text, numbers and booleans only).");
    }
}
