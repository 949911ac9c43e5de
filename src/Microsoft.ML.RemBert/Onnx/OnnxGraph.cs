using Google.Protobuf;
using Microsoft.ML.Data;
using Microsoft.ML.RemBert.IO;
using Microsoft.ML.Model.OnnxConverter;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.RemBert.Onnx;

/// <summary>
/// Appends standard-domain ONNX operators and initializers to ML.NET's <see cref="OnnxContext"/> (what
/// <c>mlContext.Model.ConvertToOnnx</c> builds), so a graph writer reads as a list of operators. Every intermediate
/// value gets a fresh name under <c>RemBert.</c> so it never shadows a column of the pipeline.
/// </summary>
/// <remarks>
/// ML.NET targets ONNX opset 12 at most (9 at least): no LayerNormalization (17) or Gelu (20), so the writers
/// decompose them; Unsqueeze and ReduceMean take their axes as attributes (inputs only from opset 13).
/// </remarks>
internal sealed partial class OnnxGraph(OnnxContext ctx)
{
    /// <summary>Prefix of every value and initializer this graph adds.</summary>
    public const string NamePrefix = "RemBert.";

    /// <summary>The lowest opset whose operators the writers use (Slice with its bounds as inputs needs 10).</summary>
    public const int MinimumOpSet = 10;

    /// <summary>The ML.NET context the operators go to.</summary>
    public OnnxContext Context { get; } = ctx;

    /// <summary>Adds one operator of the default ONNX domain and returns the name of its (single) output.</summary>
    public string Op(string opType, params string[] inputs) => Op(opType, inputs, null);

    /// <summary>As <see cref="Op(string, string[])"/>, with attributes set by <paramref name="attributes"/>.</summary>
    public string Op(string opType, IReadOnlyList<string> inputs, Action<OnnxNode>? attributes)
    {
        string output = Context.AddIntermediateVariable(null!, NamePrefix + opType, skip: true);
        Into(opType, inputs, output, attributes);
        return output;
    }

    /// <summary>DynamicQuantizeLinear (opset 11): x as uint8, its float scale and its uint8 zero point.</summary>
    public (string Quantized, string Scale, string ZeroPoint) DynamicQuantizeLinear(string x)
    {
        string[] outputs = ["quantized", "scale", "zero_point"];
        outputs = outputs.Select(output => Context.AddIntermediateVariable(null!, NamePrefix + "DynamicQuantizeLinear." + output, skip: true)).ToArray();
        Context.CreateNode("DynamicQuantizeLinear", [x], outputs, Context.GetNodeName(NamePrefix + "DynamicQuantizeLinear"), "");
        return (outputs[0], outputs[1], outputs[2]);
    }

    /// <summary>The lowest opset of an int8 export (DynamicQuantizeLinear).</summary>
    public const int MinimumInt8OpSet = 11;

    /// <summary>Adds one operator writing into an existing value (e.g. an output column's variable).</summary>
    public void Into(string opType, IReadOnlyList<string> inputs, string output, Action<OnnxNode>? attributes = null)
    {
        // The default ONNX domain must be named (""): ML.NET's node factory defaults to "ai.onnx.ml".
        var node = Context.CreateNode(opType, inputs, [output], Context.GetNodeName(NamePrefix + opType), "");
        attributes?.Invoke(node);
    }

    /// <summary>
    /// Makes <paramref name="value"/> the pipeline column <paramref name="columnName"/> of <paramref name="type"/>
    /// (ML.NET then exposes it as the graph output <c>&lt;columnName&gt;.output</c>).
    /// </summary>
    public void Column(string columnName, DataViewType type, string value)
        => Into("Identity", [value], Context.AddIntermediateVariable(type, columnName));

    /// <summary>
    /// An initializer with the values and shape of <paramref name="tensor"/> (copied to the CPU): int8 when it is int8,
    /// else float32. Its bytes go to <paramref name="external"/>'s side file when given and the tensor is at least
    /// <see cref="OnnxExternalData.InlineThresholdBytes"/>, else into the graph as raw bytes (one per int8 value, where
    /// ML.NET's own integer initializers take up to 10).
    /// </summary>
    public string Weight(string name, Tensor tensor, OnnxExternalData? external)
    {
        using var scope = NewDisposeScope();
        var (type, scalarType) = tensor.dtype == ScalarType.Int8 ? (OnnxDataType.Int8, ScalarType.Int8) : (OnnxDataType.Float, ScalarType.Float32);
        var values = tensor.detach().cpu().to_type(scalarType).contiguous();
        if (external is not null && TensorBytes.ByteLength(values) >= OnnxExternalData.InlineThresholdBytes)
            return external.Add(Context, NamePrefix + name, type, values);
        return OnnxInitializers.AddRaw(Context, NamePrefix + name, type, values.shape, ByteString.CopyFrom(values.bytes));
    }

    /// <summary>A float32 scalar initializer.</summary>
    public string Scalar(float value) => Context.AddInitializer(value, NamePrefix + "float");

    /// <summary>A one-dimensional int64 initializer (shapes, indices, slice bounds).</summary>
    public string Longs(params long[] values) => Context.AddInitializer(values, [values.LongLength], NamePrefix + "int64s");

    /// <summary>An int64 scalar initializer (Gather's index that drops the axis).</summary>
    public string LongScalar(long value) => Context.AddInitializer(value, NamePrefix + "int64");

    /// <summary>Elementwise <c>x * factor</c> with a float constant.</summary>
    public string Scale(string x, float factor) => Op("Mul", x, Scalar(factor));

    /// <summary>Converts <paramref name="x"/> to float32.</summary>
    public string ToFloat(string x) => Cast(x, OnnxDataType.Float);

    /// <summary>Converts <paramref name="x"/> to the ONNX element type <paramref name="to"/>.</summary>
    public string Cast(string x, OnnxDataType to) => Op("Cast", [x], node => node.AddAttribute("to", (long)to));

    /// <summary>Inserts size-1 axes (opset ≤ 12: the axes are an attribute).</summary>
    public string Unsqueeze(string x, params long[] axes) => Op("Unsqueeze", [x], node => node.AddAttribute("axes", axes));

    /// <summary>Reorders the axes.</summary>
    public string Transpose(string x, params long[] permutation) => Op("Transpose", [x], node => node.AddAttribute("perm", permutation));

    /// <summary>Reshapes to <paramref name="shape"/> (0 keeps the input's size on that axis, -1 infers it).</summary>
    public string Reshape(string x, params long[] shape) => Op("Reshape", x, Longs(shape));

    /// <summary>Mean over the last axis, kept as a size-1 axis.</summary>
    public string MeanOfLastAxis(string x) => Op("ReduceMean", [x], node =>
    {
        node.AddAttribute("axes", new long[] { -1 });
        node.AddAttribute("keepdims", 1L);
    });

    /// <summary>Softmax over the last axis.</summary>
    public string Softmax(string x) => Op("Softmax", [x], node => node.AddAttribute("axis", -1L));
}

/// <summary>The ONNX TensorProto element types the writers cast to (values from onnx.proto).</summary>
internal enum OnnxDataType
{
    Float = 1,
    UInt8 = 2,
    Int8 = 3,
    Int32 = 6,
    Int64 = 7,
    Bool = 9,
    UInt32 = 12,
}
