using static TorchSharp.torch;

namespace Microsoft.ML.RemBert.Modeling;

/// <summary>
/// Mixed-precision compute for the current thread, as PyTorch's <c>torch.autocast</c> (which TorchSharp 0.107 lacks):
/// inside the scope, every linear layer of a RemBERT model casts its input and its float32 weights to bfloat16 for
/// the matmul, while LayerNorm, softmax, the final scores and the loss stay in float32. Gradients flow back through
/// the casts to the float32 weights, so the optimizer keeps float32 master weights and state.
/// </summary>
/// <remarks>
/// Like <c>torch.no_grad()</c>, the setting belongs to the thread that entered it; scopes nest and each restores the
/// previous setting when disposed. Use it around forward passes (and the loss) only; <c>backward()</c> may run outside.
/// </remarks>
public sealed class RemBertAutocast : IDisposable
{
    [ThreadStatic]
    private static ScalarType? t_computeType;

    private readonly ScalarType? _previous;
    private bool _disposed;

    private RemBertAutocast(ScalarType? computeType)
    {
        _previous = t_computeType;
        t_computeType = computeType;
    }

    /// <summary>
    /// Enters a scope computing the matmuls of RemBERT models in <paramref name="precision"/>
    /// (<see cref="RemBertPrecision.Float32"/>: no casting, as outside any scope).
    /// </summary>
    public static RemBertAutocast Enter(RemBertPrecision precision) =>
        new(precision == RemBertPrecision.Float32 ? null : precision.ToScalarType());

    /// <summary>The element type linear layers compute in on this thread, or null when no autocast scope is active.</summary>
    public static ScalarType? ComputeType => t_computeType;

    /// <summary>Restores the setting that was active when this scope was entered.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        t_computeType = _previous;
        _disposed = true;
    }
}
