namespace Microsoft.ML.RemBert.Onnx;

/// <summary>The operators the task heads use to pick values: argmax, max, and Gather along an axis.</summary>
internal sealed partial class OnnxGraph
{
    /// <summary>
    /// The index of the largest value along <paramref name="axis"/> (int64; the first one on ties, as the zip's argmax),
    /// the axis kept as size 1 when <paramref name="keepDims"/>. The axis must be non-negative (opset 10).
    /// </summary>
    public string ArgMax(string x, long axis, bool keepDims) => Op("ArgMax", [x], node =>
    {
        node.AddAttribute("axis", axis);
        node.AddAttribute("keepdims", keepDims ? 1L : 0L);
    });

    /// <summary>The largest value along <paramref name="axis"/>, the axis dropped.</summary>
    public string Max(string x, long axis) => Op("ReduceMax", [x], node =>
    {
        node.AddAttribute("axes", new[] { axis });
        node.AddAttribute("keepdims", 0L);
    });

    /// <summary>Gather of <paramref name="indices"/> along <paramref name="axis"/> of <paramref name="x"/>.</summary>
    public string Gather(string x, string indices, long axis) => Op("Gather", [x, indices], node => node.AddAttribute("axis", axis));
}
