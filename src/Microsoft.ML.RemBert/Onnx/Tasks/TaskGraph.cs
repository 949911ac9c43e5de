using Microsoft.ML.Model.OnnxConverter;
using Microsoft.ML.RemBert.Modeling;

namespace Microsoft.ML.RemBert.Onnx.Tasks;

/// <summary>How every task's ONNX export starts: the opset check, then a graph and a model writer over the context.</summary>
internal static class TaskGraph
{
    /// <summary>
    /// Checks the context's opset against what <paramref name="options"/> need (naming <paramref name="taskName"/>) and
    /// returns the graph and the writer of <paramref name="model"/> (which checks the model can be exported at all).
    /// </summary>
    public static (OnnxGraph Graph, RemBertOnnxWriter Writer) Start(OnnxContext ctx, RemBertPreTrainedModel model, RemBertOnnxExportOptions options, string taskName)
    {
        ctx.CheckOpSetVersion(options.QuantizeInt8 ? OnnxGraph.MinimumInt8OpSet : OnnxGraph.MinimumOpSet, taskName);
        var graph = new OnnxGraph(ctx);
        return (graph, new RemBertOnnxWriter(graph, model, options));
    }
}
