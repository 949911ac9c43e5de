using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Microsoft.ML.RemBert.Onnx;

namespace Microsoft.ML.RemBert.Tests.Onnx;

/// <summary>Runs an exported task graph on a batch of <see cref="OnnxInputTensor"/>s with ONNX Runtime.</summary>
internal static class OnnxBatchRun
{
    /// <summary>
    /// Feeds every int64 input from <paramref name="inputs"/>; the text columns ML.NET's converter passes through
    /// (graph inputs the model never reads) get one empty string.
    /// </summary>
    public static Dictionary<string, OrtOutput> Run(string onnx, IReadOnlyList<OnnxInputTensor> inputs, SessionOptions? options = null)
        => OrtOutput.Run(onnx, (name, type) =>
        {
            if (type == TensorElementType.String)
                return OrtOutput.Texts(name, [""]);
            var input = inputs.FirstOrDefault(tensor => tensor.Name == name)
                ?? throw new InvalidOperationException($"The graph reads '{name}', which the batch does not have.");
            return NamedOnnxValue.CreateFromTensor(name, new DenseTensor<long>(input.Values, input.Dimensions));
        }, options);

    /// <summary>A [rows, width] float output as rows.</summary>
    public static float[][] Rows(OrtOutput output)
    {
        int width = output.Dimensions[1];
        var flat = output.Values<float>();
        return Enumerable.Range(0, output.Dimensions[0]).Select(row => flat.Skip(row * width).Take(width).ToArray()).ToArray();
    }
}
