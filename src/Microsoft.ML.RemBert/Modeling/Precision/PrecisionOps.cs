using Microsoft.ML.RemBert.Modeling.Lora;
using Microsoft.ML.RemBert.Runtime;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Microsoft.ML.RemBert.Modeling;

/// <summary>
/// The few operations whose precision the model controls, as transformers' bfloat16 paths do: matmuls in the weights'
/// (or <see cref="RemBertAutocast"/>'s) type, LayerNorm, softmax and final scores in float32. In a float32 model
/// outside autocast each is exactly the plain operation.
/// </summary>
internal static class PrecisionOps
{
    /// <summary>
    /// <paramref name="layer"/> applied to <paramref name="input"/>: under autocast with float32 weights, input, weight
    /// and bias are cast to the compute type first (the casts are differentiable, so gradients reach the float32 weights).
    /// </summary>
    /// <remarks>A layer with a LoRA adapter (training only) adds the adapter's update, computed the same way. A layer
    /// whose weight was prepacked for inference (<see cref="PrepackedWeight"/>) multiplies by the packed copy where it serves.</remarks>
    public static Tensor Linear(Linear layer, Tensor input)
    {
        var output = PlainLinear(layer, input);
        return LoraAdapter.Find(layer) is { } adapter ? output.add(adapter.forward(input), HeldScalars.One) : output;
    }

    private static Tensor PlainLinear(Linear layer, Tensor input)
    {
        if (PrepackedWeight.Find(layer) is { } packed && packed.Serves(layer, input))
            return packed.Forward(layer, input);
        var weight = layer.weight!;
        if (RemBertAutocast.ComputeType is ScalarType compute && weight.dtype != compute)
            return nn.functional.linear(input.to(compute), weight.to(compute), layer.bias?.to(compute));
        return layer.forward(input.dtype == weight.dtype ? input : input.to(weight.dtype));
    }

    /// <summary>
    /// <paramref name="norm"/> applied to <paramref name="input"/> with the mean and variance computed in float32, the
    /// result returned in the input's type: bfloat16's 8-bit mantissa loses too much in a variance over thousands of values.
    /// </summary>
    public static Tensor LayerNorm(LayerNorm norm, Tensor input)
    {
        if (input.dtype == ScalarType.Float32 && norm.weight.dtype == ScalarType.Float32)
            return norm.forward(input);
        using var scope = NewDisposeScope();
        var normalized = nn.functional.layer_norm(input.to(ScalarType.Float32), norm.normalized_shape,
            norm.weight.to(ScalarType.Float32), norm.bias?.to(ScalarType.Float32), norm.eps);
        return normalized.to(input.dtype).MoveToOuterDisposeScope();
    }

    /// <summary>Softmax over the last dimension computed in float32, returned in <paramref name="resultType"/>.</summary>
    public static Tensor Softmax(Tensor scores, ScalarType resultType)
    {
        var probabilities = nn.functional.softmax(scores, dim: -1, dtype: ScalarType.Float32);
        return probabilities.dtype == resultType ? probabilities : probabilities.to(resultType);
    }

    /// <summary>The final scores (logits) in float32 whatever the model computed in, as callers and losses expect.</summary>
    public static Tensor Float32Scores(Tensor logits) =>
        logits.dtype == ScalarType.Float32 ? logits : logits.to(ScalarType.Float32);

    /// <summary>The element type activations between matmuls have: the autocast compute type, else <paramref name="modelType"/>.</summary>
    public static ScalarType ActivationType(ScalarType modelType) => RemBertAutocast.ComputeType ?? modelType;
}
