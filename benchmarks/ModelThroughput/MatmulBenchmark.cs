using System.Diagnostics;
using TorchSharp;
using static ModelThroughput.BenchmarkSettings;

namespace ModelThroughput;

/// <summary>The machine's attainable fp32 matmul rate through the same libtorch, as the yardstick for the model's rate.</summary>
internal static class MatmulBenchmark
{
    /// <summary>GFLOP/s of repeated <see cref="BenchmarkSettings.MatmulSize"/>² fp32 matmuls (2·n³ FLOPs each).</summary>
    public static double MeasureGflops()
    {
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        var a = torch.randn(MatmulSize, MatmulSize);
        var b = torch.randn(MatmulSize, MatmulSize);
        for (int i = 0; i < MatmulWarmUps; i++) torch.matmul(a, b).Dispose();
        var clock = Stopwatch.StartNew();
        for (int i = 0; i < MatmulRepeats; i++) torch.matmul(a, b).Dispose();
        clock.Stop();
        double flops = 2.0 * MatmulSize * MatmulSize * MatmulSize * MatmulRepeats;
        return flops / clock.Elapsed.TotalSeconds / Giga;
    }
}
