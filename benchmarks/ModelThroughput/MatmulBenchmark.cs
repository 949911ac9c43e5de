using System.Diagnostics;
using TorchSharp;
using static ModelThroughput.BenchmarkSettings;

namespace ModelThroughput;

/// <summary>The machine's attainable matmul rate through the same libtorch, as the yardstick for the model's rate.</summary>
internal static class MatmulBenchmark
{
    /// <summary>GFLOP/s of repeated <see cref="BenchmarkSettings.MatmulSize"/>² matmuls (2·n³ FLOPs each) in <paramref name="dtype"/> (fp32 by default).</summary>
    public static double MeasureGflops(torch.ScalarType dtype = torch.ScalarType.Float32)
    {
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        var a = torch.randn(MatmulSize, MatmulSize).to_type(dtype);
        var b = torch.randn(MatmulSize, MatmulSize).to_type(dtype);
        for (int i = 0; i < MatmulWarmUps; i++) torch.matmul(a, b).Dispose();
        var clock = Stopwatch.StartNew();
        for (int i = 0; i < MatmulRepeats; i++) torch.matmul(a, b).Dispose();
        clock.Stop();
        double flops = 2.0 * MatmulSize * MatmulSize * MatmulSize * MatmulRepeats;
        return flops / clock.Elapsed.TotalSeconds / Giga;
    }
}
