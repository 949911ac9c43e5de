using Microsoft.ML;
using Microsoft.ML.RemBert.Checkpoints;
using Microsoft.ML.RemBert.Modeling;
using Microsoft.ML.RemBert.Runtime;
using Microsoft.ML.RemBert.Tokenization;
using ModelThroughput;
using TorchSharp;
using TrainerThroughput;
using static ModelThroughput.BenchmarkSettings;

namespace BFloat16Throughput;

/// <summary>The whole comparison: forwards and matmuls, training steps, then fresh-process loads, each fp32 then bf16.</summary>
internal static class BFloat16Run
{
    public static int Run(BenchmarkOptions options)
    {
        Console.WriteLine($"libtorch threads: {torch.get_num_threads()}, processors: {Environment.ProcessorCount}, " +
            $"native bf16: {BFloat16Support.IsNative(torch.CPU)}, load average: {ProcessMemory.LoadAverage()}");
        Console.WriteLine($"float32 matmuls: {TorchRuntime.UseMklAvx512Kernels().Reason}");
        var tokenizer = RemBertTokenizer.FromPretrained(options.TokenizerPath);
        var config = options.FullSizeConfig(tokenizer.SentencePiece.VocabularySize) with { VocabSize = RemBertConfig.GoogleRemBert().VocabSize };
        if (options.Quick) config = config with { VocabSize = tokenizer.SentencePiece.VocabularySize };

        string directory = Path.Combine(Path.GetTempPath(), "rembert-bf16-" + Guid.NewGuid().ToString("N"));
        try
        {
            using (var model = new RemBertModel(config))
            {
                Console.WriteLine($"model: hidden {config.HiddenSize}, {config.NumHiddenLayers} layers, vocab {config.VocabSize}, {model.CountParameters():N0} parameters");
                model.SavePretrained(directory);
                CompareForwards(model);
            }
            CompareTrainingSteps(options, tokenizer);
            return CompareLoads(directory) ? 0 : 1;
        }
        finally
        {
            if (Directory.Exists(directory)) Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>fp32 forward and matmul, then the same weights in bf16 (the model is converted in place).</summary>
    private static void CompareForwards(RemBertModel model)
    {
        double flops = ForwardBenchmark.ForwardFlops(model);
        double fp32Seconds = ForwardBenchmark.MeasureSecondsPerForward(model);
        double fp32Matmul = MatmulBenchmark.MeasureGflops();
        model.to(torch.ScalarType.BFloat16);
        double bf16Seconds = ForwardBenchmark.MeasureSecondsPerForward(model);
        double bf16Matmul = MatmulBenchmark.MeasureGflops(torch.ScalarType.BFloat16);
        double tokens = BatchSize * SequenceLength;
        double fp32Gflops = flops / fp32Seconds / Giga, bf16Gflops = flops / bf16Seconds / Giga;
        Console.WriteLine($"forward fp32: {fp32Seconds:F2} s, {tokens / fp32Seconds:F1} tokens/s, {fp32Gflops:F1} GFLOP/s; fp32 matmul {MatmulSize}² {fp32Matmul:F1} GFLOP/s");
        Console.WriteLine($"forward bf16: {bf16Seconds:F2} s, {tokens / bf16Seconds:F1} tokens/s, {bf16Gflops:F1} GFLOP/s; bf16 matmul {MatmulSize}² {bf16Matmul:F1} GFLOP/s");
        Console.WriteLine($"RATIO bf16 / fp32 forward tokens/s: {fp32Seconds / bf16Seconds:F2} (target >= 2.0)");
        Console.WriteLine($"RATIO bf16 forward / bf16 matmul: {bf16Gflops / bf16Matmul:P1} (target >= 80 %)");
    }

    /// <summary>The real trainer's step, fp32 then bf16 mixed precision, on the same rows and seed.</summary>
    private static void CompareTrainingSteps(BenchmarkOptions options, RemBertTokenizer tokenizer)
    {
        var ml = new MLContext(seed: 1);
        var (fp32Model, fp32Gflops) = TrainingStepBenchmark.Measure(ml, tokenizer, options, RemBertPrecision.Float32);
        fp32Model.Dispose();
        var (bf16Model, bf16Gflops) = TrainingStepBenchmark.Measure(ml, tokenizer, options, RemBertPrecision.BFloat16);
        bf16Model.Dispose();
        Console.WriteLine($"RATIO bf16 mixed / fp32 training step: {bf16Gflops / fp32Gflops:F2} (target >= 1.6)");
    }

    /// <summary>Peak RSS of a fresh process loading the saved checkpoint, fp32 then bf16.</summary>
    private static bool CompareLoads(string directory)
    {
        var fp32 = ChildProbe.Run("load fp32", LoadMemoryProbe.OursArgument, directory, "float32");
        var bf16 = ChildProbe.Run("load bf16", LoadMemoryProbe.OursArgument, directory, "bfloat16");
        if (fp32 is null || bf16 is null) return false;
        double Grown(Dictionary<string, string> v) => (long.Parse(v[LoadMemoryProbe.PeakKey]) - long.Parse(v[LoadMemoryProbe.BaselineKey])) / BytesPerGiB;
        double Peak(Dictionary<string, string> v) => long.Parse(v[LoadMemoryProbe.PeakKey]) / BytesPerGiB;
        Console.WriteLine($"load fp32: {fp32[LoadMemoryProbe.SecondsKey]} s, peak RSS {Peak(fp32):F2} GiB ({Grown(fp32):F2} GiB over the runtime)");
        Console.WriteLine($"load bf16: {bf16[LoadMemoryProbe.SecondsKey]} s, peak RSS {Peak(bf16):F2} GiB ({Grown(bf16):F2} GiB over the runtime)");
        Console.WriteLine($"RATIO bf16 / fp32 peak RSS of a load: {Peak(bf16) / Peak(fp32):F2} (target <= 0.6); growth only: {Grown(bf16) / Grown(fp32):F2}");
        return true;
    }
}
