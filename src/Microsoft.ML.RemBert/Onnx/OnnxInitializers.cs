using System.Collections;
using System.Globalization;
using System.Reflection;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Microsoft.ML.Model.OnnxConverter;

namespace Microsoft.ML.RemBert.Onnx;

/// <summary>
/// Adds initializers to ML.NET's ONNX context as raw little-endian bytes (<c>TensorProto.raw_data</c>) or as ONNX
/// external data (<c>data_location = EXTERNAL</c> with <c>location</c>, <c>offset</c> and <c>length</c> entries), which
/// <see cref="OnnxContext.AddInitializer(IEnumerable{int}, Type, IEnumerable{long}, string, bool)"/> cannot: ML.NET
/// stores every integer tensor in <c>int32_data</c>, protobuf varints of 10 bytes for each negative value, so an int8
/// weight cost about 5.5 bytes on average and google/rembert's 510 M int8 weights overflowed the 2 GiB a protobuf
/// holds; and it has no external data at all.
/// </summary>
/// <remarks>
/// How: the initializer is added through ML.NET's own API (which names it uniquely and registers the name) as an
/// empty float tensor, then that <c>TensorProto</c> (the last of <c>OnnxContextImpl._initializers</c>, read by
/// reflection: the list is private) is given its type, shape and data through Google.Protobuf's public message
/// reflection. Tied to Microsoft.ML.OnnxConverter's field name; checked, and a mismatch fails naming it.
/// </remarks>
internal static class OnnxInitializers
{
    /// <summary>The private list of <c>TensorProto</c> in ML.NET's <c>OnnxContextImpl</c> (Microsoft.ML.OnnxConverter 0.23.1).</summary>
    private const string InitializersField = "_initializers";

    /// <summary>onnx.proto's <c>TensorProto.DataLocation.EXTERNAL</c>.</summary>
    private const int ExternalLocation = 1;

    /// <summary>An initializer of <paramref name="type"/> and <paramref name="dims"/> holding <paramref name="data"/> (little-endian) in <c>raw_data</c>.</summary>
    public static string AddRaw(OnnxContext ctx, string name, OnnxDataType type, IReadOnlyList<long> dims, ByteString data)
    {
        var (added, tensor) = AddEmpty(ctx, name, type, dims);
        Field(tensor, "raw_data").Accessor.SetValue(tensor, data);
        return added;
    }

    /// <summary>
    /// An initializer whose <paramref name="length"/> bytes lie at <paramref name="offset"/> of the file
    /// <paramref name="location"/> (relative to the directory of the .onnx file that ONNX Runtime loads).
    /// </summary>
    public static string AddExternal(OnnxContext ctx, string name, OnnxDataType type, IReadOnlyList<long> dims, string location, long offset, long length)
    {
        var (added, tensor) = AddEmpty(ctx, name, type, dims);
        var entriesField = Field(tensor, "external_data");
        var entries = (IList)entriesField.Accessor.GetValue(tensor);
        foreach (var (key, value) in new[] { ("location", location), ("offset", Invariant(offset)), ("length", Invariant(length)) })
        {
            var entry = (IMessage)Activator.CreateInstance(entriesField.MessageType.ClrType)!;
            Field(entry, "key").Accessor.SetValue(entry, key);
            Field(entry, "value").Accessor.SetValue(entry, value);
            entries.Add(entry);
        }
        var dataLocation = Field(tensor, "data_location");
        dataLocation.Accessor.SetValue(tensor, Enum.ToObject(dataLocation.EnumType.ClrType, ExternalLocation));
        return added;
    }

    private static (string Name, IMessage Tensor) AddEmpty(OnnxContext ctx, string name, OnnxDataType type, IReadOnlyList<long> dims)
    {
        string added = ctx.AddInitializer(Array.Empty<float>(), null, name);
        var initializers = Initializers(ctx);
        var tensor = initializers.Count > 0 ? initializers[initializers.Count - 1] as IMessage : null;
        if (tensor is null || (string)Field(tensor, "name").Accessor.GetValue(tensor) != added)
            throw new NotSupportedException($"ONNX export: ML.NET's {ctx.GetType().FullName}.{InitializersField} did not receive the initializer " +
                $"'{added}' last; this Microsoft.ML.OnnxConverter version stores initializers differently from 0.23.1, which RemBERT's exporter supports.");
        var shape = (IList)Field(tensor, "dims").Accessor.GetValue(tensor);
        shape.Clear();
        foreach (long dim in dims)
            shape.Add(dim);
        Field(tensor, "data_type").Accessor.SetValue(tensor, (int)type);
        return (added, tensor);
    }

    private static IList Initializers(OnnxContext ctx)
    {
        var field = ctx.GetType().GetField(InitializersField, BindingFlags.Instance | BindingFlags.NonPublic);
        if (field?.GetValue(ctx) is not IList list)
            throw new NotSupportedException($"ONNX export: ML.NET's {ctx.GetType().FullName} has no list '{InitializersField}' of initializers; " +
                "this Microsoft.ML.OnnxConverter version differs from 0.23.1, which RemBERT's exporter supports.");
        return list;
    }

    private static FieldDescriptor Field(IMessage message, string name)
        => message.Descriptor.FindFieldByName(name)
            ?? throw new NotSupportedException($"ONNX export: ML.NET's {message.Descriptor.FullName} has no field '{name}' (onnx.proto).");

    private static string Invariant(long value) => value.ToString(CultureInfo.InvariantCulture);
}
