namespace Microsoft.ML.RemBert.Onnx;

/// <summary>
/// One int64 input of an exported graph, ready for ONNX Runtime:
/// <c>NamedOnnxValue.CreateFromTensor(Name, new DenseTensor&lt;long&gt;(Values, Dimensions))</c> (C#), or
/// <c>np.array(Values).reshape(Dimensions)</c> fed under <see cref="Name"/> (Python).
/// </summary>
/// <param name="Name">The graph input's name (<c>InputIds</c>, <c>AttentionMask</c>, <c>TokenTypeIds</c>, <c>WordPositions</c>).</param>
/// <param name="Values">The values, row-major.</param>
/// <param name="Dimensions">The tensor's shape; the product of its dimensions is the length of <see cref="Values"/>.</param>
public sealed record OnnxInputTensor(string Name, long[] Values, int[] Dimensions);
