using System.Globalization;
using Microsoft.ML.RemBert.Modeling;
using Microsoft.ML.RemBert.Runtime;
using ModelThroughput;
using TorchSharp;

namespace OnnxComparison;

/// <summary>The side-by-side table: every engine at every shape for every model, each timing in a fresh child process.</summary>
internal static class ComparisonTable
{
    private static readonly (int Batch, int Sequence)[] Shapes = [(8, 128), (1, 32)];

    /// <summary>Prints the table; returns false when a child failed.</summary>
    /// <param name="quick">The tiny model only, for a smoke run.</param>
    /// <param name="repeats">Timed forwards per engine and shape (the best counts).</param>
    /// <param name="modelFilter">Only the models whose name contains it (e.g. "full-size"); null: all.</param>
    /// <param name="shapeFilter">Only the shape "BxS" (e.g. "1x32"); null: all.</param>
    public static bool Run(bool quick, int repeats, string? modelFilter = null, string? shapeFilter = null)
    {
        // Each child applies it for itself when it builds its model; this line says what they get.
        Console.WriteLine($"float32 matmuls: {TorchRuntime.UseMklAvx512Kernels().Reason}");
        var models = (quick
            ? new[] { ("tiny (quick mode)", ComparisonModels.Tiny) }
            : new[] { ("4-layer full-width", ComparisonModels.FourLayerFullWidth), ("full-size (32 layers)", ComparisonModels.FullSize) })
            .Where(model => modelFilter is null || model.Item1.Contains(modelFilter, StringComparison.OrdinalIgnoreCase)).ToArray();
        var shapes = Shapes.Where(shape => shapeFilter is null || $"{shape.Batch}x{shape.Sequence}" == shapeFilter).ToArray();
        Console.WriteLine($"OnnxComparison: best of {repeats} forwards per engine after one warm-up, each engine alone in its own process; " +
            $"{Environment.ProcessorCount} cores, libtorch threads {torch.get_num_threads()}");
        if (models.Any(model => model.Item2 == ComparisonModels.FullSize))
            Console.WriteLine("full-size: google/rembert's shape (32 layers, 250,300-row vocabulary); its fp32 export keeps the weights in ONNX external data");
        Console.WriteLine();
        Console.WriteLine("ORT: ONNX Runtime, ORT_ENABLE_ALL, intra-op threads = libtorch's; \"ours\": our ConvertToOnnx export; " +
            "\"standard\": torch.onnx.export of the same checkpoint (export_standard_onnx.py); ratios against the best ORT fp32 of the row");
        Console.WriteLine();
        Console.WriteLine("| model | batch | torch fp32 tok/s | torch fp32 prepacked tok/s | torch bf16 tok/s | torch bf16 prepacked tok/s | " +
            "ORT fp32 ours tok/s | ORT fp32 standard tok/s | ORT int8 ours tok/s | ORT fp32 ours / standard | torch fp32 / best ORT fp32 | " +
            "torch fp32 prepacked / best ORT fp32 | torch bf16 / best ORT fp32 | torch bf16 prepacked / best ORT fp32 | ORT int8 / best ORT fp32 |");
        Console.WriteLine("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |");
        bool allRan = true;
        int threads = torch.get_num_threads();
        // CPU per forward, printed after the table: unlike wall-clock time, it does not count the time a loaded machine's
        // other processes hold the cores (it does count threads that spin while they wait for a descheduled peer).
        var cpuRows = new List<string>();
        foreach (var (name, config) in models)
        {
            string directory = Directory.CreateTempSubdirectory("rembert-onnx-comparison-").FullName;
            try
            {
                var (onnxProblem, standardProblem) = ComparisonModels.Prepare(config, directory);
                foreach (var (batch, sequence) in shapes)
                {
                    var rates = new Dictionary<EngineKind, double?>();
                    var cpuMilliseconds = new Dictionary<EngineKind, double?>();
                    foreach (var engine in Enum.GetValues<EngineKind>())
                    {
                        string? missing = engine == EngineKind.OrtStandardFloat32 ? standardProblem : EngineKinds.IsOnnx(engine) ? onnxProblem : null;
                        var measured = missing is null ? Measure(engine, name, directory, batch, sequence, repeats, threads) : null;
                        rates[engine] = measured?.TokensPerSecond;
                        cpuMilliseconds[engine] = measured?.CpuMilliseconds;
                        allRan &= rates[engine] is not null || missing is not null;
                    }
                    string CpuCell(EngineKind engine) => cpuMilliseconds[engine] is double ms ? ms.ToString("F1", CultureInfo.InvariantCulture) : "n/a";
                    cpuRows.Add($"| {name} | {batch} x {sequence} | {string.Join(" | ", Enum.GetValues<EngineKind>().Select(CpuCell))} |");
                    double? best = new[] { rates[EngineKind.OrtFloat32], rates[EngineKind.OrtStandardFloat32] }.Max();
                    string Cell(EngineKind engine) => rates[engine] is double value ? value.ToString("N0", CultureInfo.InvariantCulture)
                        : engine == EngineKind.OrtStandardFloat32 && standardProblem is not null
                            ? (standardProblem.StartsWith(StandardExport.NoTorch, StringComparison.Ordinal) ? "n/a (no python3-torch)" : "n/a (export failed)") : "n/a";
                    string Ratio(double? rate, double? baseline) => rate is double value && baseline is double other ? (value / other).ToString("F2", CultureInfo.InvariantCulture) : "n/a";
                    Console.WriteLine($"| {name} | {batch} x {sequence} | {Cell(EngineKind.TorchFloat32)} | {Cell(EngineKind.TorchFloat32Prepacked)} | " +
                        $"{Cell(EngineKind.TorchBFloat16)} | {Cell(EngineKind.TorchBFloat16Prepacked)} | {Cell(EngineKind.OrtFloat32)} | " +
                        $"{Cell(EngineKind.OrtStandardFloat32)} | {Cell(EngineKind.OrtInt8)} | " +
                        $"{Ratio(rates[EngineKind.OrtFloat32], rates[EngineKind.OrtStandardFloat32])} | {Ratio(rates[EngineKind.TorchFloat32], best)} | " +
                        $"{Ratio(rates[EngineKind.TorchFloat32Prepacked], best)} | {Ratio(rates[EngineKind.TorchBFloat16], best)} | " +
                        $"{Ratio(rates[EngineKind.TorchBFloat16Prepacked], best)} | {Ratio(rates[EngineKind.OrtInt8], best)} |");
                }
                if (onnxProblem is not null)
                    Console.WriteLine($"  ({name}: no ONNX export: {onnxProblem})");
                if (standardProblem is not null)
                    Console.WriteLine($"  ({name}: no standard export: {standardProblem})");
            }
            finally
            {
                Directory.Delete(directory, recursive: true);
            }
        }
        Console.WriteLine();
        Console.WriteLine("CPU ms per forward (median of the timed forwards; the whole process, all threads):");
        Console.WriteLine();
        Console.WriteLine($"| model | batch | {string.Join(" | ", Enum.GetValues<EngineKind>().Select(EngineKinds.Name))} |");
        Console.WriteLine($"| --- | --- |{string.Concat(Enum.GetValues<EngineKind>().Select(_ => " --- |"))}");
        foreach (var row in cpuRows) Console.WriteLine(row);
        return allRan;
    }

    /// <summary>Tokens/s (best forward) and CPU ms per forward (median) of one engine, timed in a child process; null when the child failed.</summary>
    private static (double TokensPerSecond, double CpuMilliseconds)? Measure(EngineKind engine, string model, string directory, int batch, int sequence, int repeats, int threads)
    {
        string Text(int value) => value.ToString(CultureInfo.InvariantCulture);
        var values = ChildProbe.Run($"{EngineKinds.Name(engine)} {model} {batch}x{sequence}",
            Program.ChildArgument, EngineKinds.Name(engine), directory, Text(batch), Text(sequence), Text(repeats), Text(threads));
        if (values is null) return null;
        return (batch * sequence / double.Parse(values[Program.SecondsKey], CultureInfo.InvariantCulture),
            double.Parse(values[Program.CpuSecondsKey], CultureInfo.InvariantCulture) * 1e3);
    }
}
