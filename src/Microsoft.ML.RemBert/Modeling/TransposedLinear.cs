using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Microsoft.ML.RemBert.Modeling;

/// <summary>
/// The encoder's nn.Linear layers with their weight stored as [in, out] in memory while keeping the [out, in] shape,
/// names and values of transformers' state dict (the parameter is the transpose of a contiguous [in, out] tensor).
/// linear(x, W, b) then hands the BLAS a contiguous Wᵀ, the layout its matmul reads fastest (ONNX Runtime's MatMul
/// has it too); see benchmarks/OnnxComparison/README.md for the measured gain. Checkpoint loads fill parameters in
/// place and <c>Module.to</c> preserves strides, so the layout survives both.
/// </summary>
internal static class TransposedLinear
{
    /// <summary>An nn.Linear built exactly as <c>nn.Linear(inFeatures, outFeatures)</c> (same draws from the global
    /// generator, same values), its weight then re-stored transposed.</summary>
    public static Linear Create(long inFeatures, long outFeatures, ScalarType dtype)
    {
        var linear = nn.Linear(inFeatures, outFeatures, dtype: dtype);
        using var noGrad = no_grad();
        using var original = linear.weight!;
        Tensor stored;
        using (var scope = NewDisposeScope())
            stored = original.detach().t().contiguous().t().MoveToOuterDisposeScope();
        using (stored)
            linear.weight = new Parameter(stored);
        return linear;
    }
}
