using Microsoft.ML;
using Microsoft.ML.RemBert.Tokenization;
using ModelThroughput;
using TorchSharp;

namespace TrainerThroughput;

/// <summary>The three measurements in one run, then their ratios side by side.</summary>
internal static class Benchmark
{
    public static int Run(BenchmarkOptions options)
    {
        Console.WriteLine($"{(options.Quick ? "QUICK RUN (tiny sizes, numbers meaningless). " : "")}libtorch threads: {torch.get_num_threads()}, " +
            $"processors: {Environment.ProcessorCount}, load average: {ProcessMemory.LoadAverage()}");
        var tokenizer = RemBertTokenizer.FromPretrained(options.TokenizerPath);
        var ml = new MLContext(seed: 1);

        double matmulGflops = MatmulBenchmark.MeasureGflops();
        Console.WriteLine($"fp32 matmul {BenchmarkSettings.MatmulSize}x{BenchmarkSettings.MatmulSize}: {matmulGflops:F1} GFLOP/s");

        var (trained, stepGflops) = TrainingStepBenchmark.Measure(ml, tokenizer, options);
        using (trained)
        {
            var (pipelineRowsPerSecond, rawRowsPerSecond) = TransformBenchmark.Measure(ml, trained, tokenizer, options);
            var (nerPipelineRowsPerSecond, nerRawRowsPerSecond) = NamedEntityTransformBenchmark.Measure(ml, tokenizer, options);
            var zip = ZipSaveLoad.Measure(ml, tokenizer, options);

            Console.WriteLine();
            Console.WriteLine($"| what | measured | target |");
            Console.WriteLine($"| --- | --- | --- |");
            Console.WriteLine($"| training step FLOP rate / fp32 matmul rate | {stepGflops:F1} / {matmulGflops:F1} GFLOP/s = {stepGflops / matmulGflops:P0} | >= 60 % |");
            Console.WriteLine($"| pipeline Transform / raw batched forward, {options.TransformRows:N0} rows | {pipelineRowsPerSecond:F1} / {rawRowsPerSecond:F1} rows/s = {pipelineRowsPerSecond / rawRowsPerSecond:P0} | >= 90 % |");
            Console.WriteLine($"| NER pipeline Transform / raw batched forward, {options.TransformRows:N0} rows | {nerPipelineRowsPerSecond:F1} / {nerRawRowsPerSecond:F1} rows/s = {nerPipelineRowsPerSecond / nerRawRowsPerSecond:P0} | >= 90 % |");
            Console.WriteLine($"| Model.Save of a {zip.WeightGiB:F2} GiB model | {zip.SaveSeconds:F1} s, peak RSS {zip.SavePeakGiB:F2} GiB ({zip.SaveExtraGiB:F2} GiB above the model in memory) | one copy of the weights |");
            Console.WriteLine($"| Model.Load in a fresh process | {zip.LoadSeconds} s, peak RSS {zip.LoadPeakGiB:F2} GiB ({zip.LoadAboveBaselineGiB / zip.WeightGiB:F2} x the weights above the process baseline), managed heap {zip.LoadManagedMiB:F0} MiB | one copy, no 2 GB array |");
            Console.WriteLine($"load average at the end: {ProcessMemory.LoadAverage()}");
        }
        return 0;
    }
}
