using Microsoft.ML.Data;

namespace Microsoft.ML.RemBert.MLNet;

/// <summary>Reads a vector-of-keys column of any raw key type ML.NET allows (Byte, UInt16, UInt32, UInt64) as UInt64 keys.</summary>
internal static class KeyVectorReader
{
    /// <summary>A function returning the current row's keys of <paramref name="column"/> (a vector of keys), widened to UInt64.</summary>
    public static Func<ulong[]> Create(DataViewRow row, DataViewSchema.Column column) => ((VectorDataViewType)column.Type).ItemType.RawType switch
    {
        var t when t == typeof(uint) => Widen<uint>(row, column, key => key),
        var t when t == typeof(byte) => Widen<byte>(row, column, key => key),
        var t when t == typeof(ushort) => Widen<ushort>(row, column, key => key),
        _ => Widen<ulong>(row, column, key => key),
    };

    private static Func<ulong[]> Widen<TKey>(DataViewRow row, DataViewSchema.Column column, Func<TKey, ulong> widen)
    {
        var getter = row.GetGetter<VBuffer<TKey>>(column);
        VBuffer<TKey> buffer = default;
        return () =>
        {
            getter(ref buffer);
            return buffer.DenseValues().Select(widen).ToArray();
        };
    }
}
