using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Microsoft.ML.RemBert.Tests.Infrastructure;

/// <summary>Tensor comparisons for assertions: exact (<see cref="Identical"/>) or element-wise within a tolerance, reporting the worst element.</summary>
internal static class TensorAssert
{
    /// <summary>True when both tensors have the same type, shape and every element.</summary>
    public static bool Identical(Tensor a, Tensor b)
    {
        using var scope = NewDisposeScope();
        return a.dtype == b.dtype && a.shape.SequenceEqual(b.shape) && a.eq(b).all().item<bool>();
    }

    public static void Close(string name, long[] expectedShape, float[] expected, Tensor actual, double tolerance)
    {
        Assert.True(expectedShape.SequenceEqual(actual.shape),
            $"{name}: shape [{string.Join(", ", actual.shape)}], expected [{string.Join(", ", expectedShape)}]");
        CloseValues(name, expected, actual.detach().cpu().to_type(ScalarType.Float32).contiguous().data<float>().ToArray(), tolerance);
    }

    public static void Close(string name, Tensor expected, Tensor actual, double tolerance) =>
        Close(name, expected.shape, expected.detach().cpu().to_type(ScalarType.Float32).contiguous().data<float>().ToArray(), actual, tolerance);

    public static void CloseValues(string name, IReadOnlyList<float> expected, IReadOnlyList<float> actual, double tolerance)
    {
        Assert.Equal(expected.Count, actual.Count);
        var worst = MaxAbsDifference(expected, actual, out var at);
        Assert.True(worst <= tolerance,
            $"{name}: |actual - expected| = {worst:G6} at flat index {at} (actual {actual[at]}, expected {expected[at]}) exceeds {tolerance:G3}");
    }

    public static double MaxAbsDifference(IReadOnlyList<float> expected, IReadOnlyList<float> actual, out int at)
    {
        var worst = 0.0;
        at = 0;
        for (var i = 0; i < expected.Count; i++)
        {
            var difference = Math.Abs((double)actual[i] - expected[i]);
            // NaN must fail, so it counts as the worst possible difference.
            if (double.IsNaN(difference)) difference = double.PositiveInfinity;
            if (difference > worst) (worst, at) = (difference, i);
        }
        return worst;
    }
}
