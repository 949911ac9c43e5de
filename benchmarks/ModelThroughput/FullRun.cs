using System.Diagnostics;
using Microsoft.ML.RemBert.Checkpoints;
using Microsoft.ML.RemBert.Modeling;
using Microsoft.ML.RemBert.Runtime;
using TorchSharp;
using TorchSharp.PyBridge;
using static ModelThroughput.BenchmarkSettings;

namespace ModelThroughput;

/// <summary>The whole benchmark: build, time forwards and matmuls, save, and measure a fresh process loading the save.</summary>
internal static class FullRun
{
    /// <summary>Command-line flag: only build, save and time <see cref="LoadOnlyRepeats"/> loads of model.safetensors.</summary>
    public const string LoadOnlyArgument = "--load-only";

    /// <summary>Fresh-process loads timed in load-only mode; several, because other processes on the machine skew single runs.</summary>
    private const int LoadOnlyRepeats = 3;

    /// <param name="loadOnly">Skip the forward, matmul and pickle measurements; time only loads of model.safetensors.</param>
    public static int Run(bool loadOnly = false)
    {
        Console.WriteLine($"libtorch threads: {torch.get_num_threads()}, processors: {Environment.ProcessorCount}, load average: {ProcessMemory.LoadAverage()}");
        Console.WriteLine($"float32 matmuls: {TorchRuntime.UseMklAvx512Kernels().Reason}");
        var config = RemBertConfig.GoogleRemBert();
        var build = Stopwatch.StartNew();
        var model = new RemBertModel(config);
        build.Stop();
        long parameters = model.CountParameters();
        Console.WriteLine($"model: RemBertModel, google/rembert config (hidden {config.HiddenSize}, {config.NumHiddenLayers} layers, vocab {config.VocabSize}), random init in {build.Elapsed.TotalSeconds:F1} s");
        Console.WriteLine($"parameters: {parameters:N0} ({parameters * sizeof(float) / BytesPerGiB:F2} GiB fp32)");

        if (!loadOnly) MeasureCompute(model);

        string root = Path.Combine(Path.GetTempPath(), "rembert-throughput-" + Guid.NewGuid().ToString("N"));
        string safetensorsDirectory = Path.Combine(root, "safetensors"), pickleDirectory = Path.Combine(root, "pickle");
        try
        {
            var save = Stopwatch.StartNew();
            model.SavePretrained(safetensorsDirectory);
            save.Stop();
            long safetensorsBytes = new FileInfo(Path.Combine(safetensorsDirectory, CheckpointFileNames.SafeTensors)).Length;
            Console.WriteLine($"save (SavePretrained): {safetensorsBytes / BytesPerGiB:F2} GiB model.safetensors in {save.Elapsed.TotalSeconds:F1} s");
            long weightBytes = parameters * sizeof(float);
            if (loadOnly)
            {
                model.Dispose();
                bool allLoaded = true;
                for (int i = 0; i < LoadOnlyRepeats; i++)
                    allLoaded &= MeasureLoadInChildProcess("ours, model.safetensors", LoadMemoryProbe.OursArgument, safetensorsDirectory, safetensorsBytes, weightBytes);
                return allLoaded ? 0 : 1;
            }

            // The same weights as a torch.save zip (written by PyBridge, whose zip entries are deflated, hence a smaller
            // file), to measure both of our readers and PyBridge's.
            Directory.CreateDirectory(pickleDirectory);
            File.Copy(Path.Combine(safetensorsDirectory, CheckpointFileNames.Config), Path.Combine(pickleDirectory, CheckpointFileNames.Config));
            model.save_py(Path.Combine(pickleDirectory, CheckpointFileNames.PyTorch));
            long pickleBytes = new FileInfo(Path.Combine(pickleDirectory, CheckpointFileNames.PyTorch)).Length;
            model.Dispose();

            bool ok = MeasureLoadInChildProcess("ours, model.safetensors", LoadMemoryProbe.OursArgument, safetensorsDirectory, safetensorsBytes, weightBytes)
                & MeasureLoadInChildProcess("ours, pytorch_model.bin", LoadMemoryProbe.OursArgument, pickleDirectory, pickleBytes, weightBytes)
                & MeasureLoadInChildProcess("PyBridge load_py, pytorch_model.bin", LoadMemoryProbe.PyBridgeArgument, pickleDirectory, pickleBytes, weightBytes);
            return ok ? 0 : 1;
        }
        finally
        {
            if (Directory.Exists(root)) Directory.Delete(root, recursive: true);
        }
    }

    /// <summary>Forward throughput of <paramref name="model"/> and the fp32 matmul rate of the same libtorch, printed.</summary>
    private static void MeasureCompute(RemBertModel model)
    {
        double secondsPerForward = ForwardBenchmark.MeasureSecondsPerForward(model);
        double tokensPerSecond = BatchSize * SequenceLength / secondsPerForward;
        double modelGflops = ForwardBenchmark.ForwardFlops(model) / secondsPerForward / Giga;
        Console.WriteLine($"forward: batch {BatchSize} x {SequenceLength} tokens, eval, no_grad, fp32, {WarmUpForwards} warm-up + {TimedForwards} timed runs: {secondsPerForward:F2} s per forward");
        Console.WriteLine($"throughput: {tokensPerSecond:F1} tokens/s");
        Console.WriteLine($"model FLOPs per forward (2 x non-embedding, non-pooler params x tokens + 4 x layers x batch x seq^2 x hidden): {ForwardBenchmark.ForwardFlops(model) / Giga:F1} GFLOP");
        Console.WriteLine($"model achieved: {modelGflops:F1} GFLOP/s");

        double matmulGflops = MatmulBenchmark.MeasureGflops();
        Console.WriteLine($"fp32 matmul {MatmulSize}x{MatmulSize} ({MatmulRepeats} repeats): {matmulGflops:F1} GFLOP/s");
        Console.WriteLine($"ratio model / matmul: {modelGflops / matmulGflops:P1} (load average now: {ProcessMemory.LoadAverage()}; other processes skew both)");
    }

    /// <summary>Runs a load probe in a child process; reports its peak RSS against the fp32 weight bytes (files may be compressed).</summary>
    private static bool MeasureLoadInChildProcess(string label, string mode, string directory, long fileBytes, long weightBytes)
    {
        var values = ChildProbe.Run(label, mode, directory);
        if (values is null || !values.ContainsKey(LoadMemoryProbe.PeakKey))
            return false;
        double baseline = long.Parse(values[LoadMemoryProbe.BaselineKey]) / BytesPerGiB;
        double peak = long.Parse(values[LoadMemoryProbe.PeakKey]) / BytesPerGiB;
        double weights = weightBytes / BytesPerGiB;
        Console.WriteLine($"load [{label}] in a fresh process: {values[LoadMemoryProbe.SecondsKey]} s, " +
            $"peak RSS (VmHWM) {peak:F2} GiB, before loading {baseline:F2} GiB, file {fileBytes / BytesPerGiB:F2} GiB, " +
            $"(peak - before) / fp32 weights ({weights:F2} GiB) = {(peak - baseline) / weights:F2}");
        return true;
    }
}
