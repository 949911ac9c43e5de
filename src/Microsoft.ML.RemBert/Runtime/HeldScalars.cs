using TorchSharp;

namespace Microsoft.ML.RemBert.Runtime;

/// <summary>
/// The numbers our tensor code hands libtorch, as <see cref="Scalar"/> objects that live as long as the process.
/// </summary>
/// <remarks>
/// TorchSharp 0.107 turns a number into a <see cref="Scalar"/> implicitly (the <c>0.5</c> of <c>t.mul(0.5)</c>, and the
/// <c>alpha = 1</c> it adds itself behind <c>a + b</c> and <c>Tensor.add(Tensor)</c>) and hands libtorch only the native
/// handle: nothing keeps the object alive during the call, so its finalizer can free the native scalar while libtorch
/// reads it (issue 25; docs/torchsharp-scalars.md). Our code therefore passes only scalars it holds: these fields for
/// fixed numbers, named <c>static readonly</c> fields beside the code for fixed numbers with a meaning there, and
/// <c>using var s = value.ToScalar();</c> (disposed after the call, so alive through it) for computed ones.
/// Runtime/ScalarSafety/UnheldScalarTests fails on any other form. The C# type of the number sets the Scalar's type
/// as the implicit conversion did: integers stay integral (valid for integer tensors, and TorchSharp's own alpha),
/// doubles are doubles. Never dispose these. Thread-safe: a Scalar is immutable.
/// </remarks>
internal static class HeldScalars
{
    /// <summary>The integer 0.</summary>
    public static readonly Scalar Zero = 0;

    /// <summary>The integer 1: the alpha TorchSharp passes for <c>a + b</c> (<c>a.add(b, HeldScalars.One)</c>).</summary>
    public static readonly Scalar One = 1;

    /// <summary>The integer 2.</summary>
    public static readonly Scalar Two = 2;

    /// <summary>The double 0.0.</summary>
    public static readonly Scalar ZeroDouble = 0.0;

    /// <summary>The double 1.0.</summary>
    public static readonly Scalar OneDouble = 1.0;
}
