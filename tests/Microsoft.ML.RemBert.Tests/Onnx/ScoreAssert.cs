using Xunit;

namespace Microsoft.ML.RemBert.Tests.Onnx;

/// <summary>Scores of an exported graph against the zip's: every value within the tolerance, the failing one named.</summary>
internal static class ScoreAssert
{
    /// <summary>The ONNX-vs-zip tolerance of issue 12 (float32).</summary>
    public const float Tolerance = 1e-4f;

    public static void Close(float[][] expected, float[][] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            Close(expected[i], actual[i]);
    }

    public static void Close(float[] expected, float[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= Tolerance, $"value {i}: expected {expected[i]}, ONNX gave {actual[i]}");
    }
}
