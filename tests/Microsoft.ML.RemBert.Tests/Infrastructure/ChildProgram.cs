using Microsoft.ML.RemBert.Modeling;
using Microsoft.ML.RemBert.Runtime;
using Microsoft.ML.RemBert.Tests.Modeling;
using static TorchSharp.torch;

namespace Microsoft.ML.RemBert.Tests.Infrastructure;

/// <summary>
/// The test assembly's entry point (the test SDK's generated one is turned off): run as
/// <c>dotnet Microsoft.ML.RemBert.Tests.dll SCENARIO</c>, it plays one scenario in a fresh process, for assertions on
/// process-wide native state that must not depend on which test ran first. Test runners never call it.
/// </summary>
public static class ChildProgram
{
    /// <summary>Runs the scenario named by the first argument and prints what it saw, one "name: value" line each.</summary>
    public static int Main(string[] args)
    {
        switch (args.FirstOrDefault())
        {
            case MklDispatchScenario:
                MklDispatch(args.Contains("matmul-first"));
                return 0;
            default:
                Console.Error.WriteLine($"unknown scenario '{args.FirstOrDefault()}' (known: {MklDispatchScenario})");
                return 2;
        }
    }

    /// <summary>The oneMKL switch: the status read before anything, after an optional float32 matmul, the explicit call, and a model's constructor.</summary>
    public const string MklDispatchScenario = "mkl-dispatch";

    private static void MklDispatch(bool matmulFirst)
    {
        Console.WriteLine($"before: {TorchRuntime.MklDispatch.Reason}");
        Console.WriteLine($"read again: {TorchRuntime.MklDispatch.Reason}");
        if (matmulFirst)
        {
            using var a = ones(64, 64, dtype: ScalarType.Float32);
            using var product = a.matmul(a);
            Console.WriteLine($"matmul: {product[0, 0].item<float>()}");
        }
        Console.WriteLine($"use: {TorchRuntime.UseMklAvx512Kernels().Reason}");
        Console.WriteLine($"after: {TorchRuntime.MklDispatch.Reason}");
        using var model = new RemBertModel(TinyModels.Config());
        Console.WriteLine($"model: {TorchRuntime.MklDispatch.Reason}");
    }
}
