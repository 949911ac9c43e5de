using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Microsoft.ML.RemBert.Tests.Onnx;

/// <summary>One ONNX Runtime output copied out of the native result (which is freed with the run's results).</summary>
internal sealed record OrtOutput(int[] Dimensions, Array Flat)
{
    /// <summary>Runs <paramref name="onnx"/> once, feeding each graph input from <paramref name="feed"/> (name, element type).</summary>
    public static Dictionary<string, OrtOutput> Run(string onnx, Func<string, TensorElementType, NamedOnnxValue> feed, SessionOptions? options = null)
    {
        using var session = options is null ? new InferenceSession(onnx) : new InferenceSession(onnx, options);
        var inputs = session.InputMetadata.Select(input => feed(input.Key, input.Value.ElementDataType)).ToList();
        using var results = session.Run(inputs);
        return results.ToDictionary(result => result.Name, Copy);
    }

    /// <summary>A [rows, 1] string input.</summary>
    public static NamedOnnxValue Texts(string name, string[] texts) => NamedOnnxValue.CreateFromTensor(name, new DenseTensor<string>(texts, [texts.Length, 1]));

    /// <summary>A [rows, length] int64 input from equally long rows.</summary>
    public static NamedOnnxValue Ids(string name, long[][] rows)
        => NamedOnnxValue.CreateFromTensor(name, new DenseTensor<long>(rows.SelectMany(row => row).ToArray(), [rows.Length, rows[0].Length]));

    public T[] Values<T>() => (T[])Flat;

    /// <summary>A [rows, width] output as one array per row.</summary>
    public T[][] Rows<T>()
    {
        int width = Dimensions[1];
        var flat = Values<T>();
        return Enumerable.Range(0, Dimensions[0]).Select(row => flat.Skip(row * width).Take(width).ToArray()).ToArray();
    }

    private static OrtOutput Copy(DisposableNamedOnnxValue value) => value.ElementType switch
    {
        TensorElementType.Float => Of(value.AsTensor<float>()),
        TensorElementType.UInt32 => Of(value.AsTensor<uint>()),
        TensorElementType.Bool => Of(value.AsTensor<bool>()),
        TensorElementType.Int64 => Of(value.AsTensor<long>()), // also ML.NET's slot-name outputs (mlnet.Score.unusedOutput)
        TensorElementType.Int32 => Of(value.AsTensor<int>()),
        TensorElementType.String => Of(value.AsTensor<string>()),
        var other => throw new NotSupportedException($"Output {value.Name} has element type {other}."),
    };

    private static OrtOutput Of<T>(Tensor<T> tensor) => new(tensor.Dimensions.ToArray(), tensor.ToArray());
}
