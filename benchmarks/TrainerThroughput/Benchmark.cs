using Microsoft.ML;
using Microsoft.ML.RemBert.Runtime;
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
        Console.WriteLine($"float32 matmuls: {TorchRuntime.UseMklAvx512Kernels().Reason}");
        var tokenizer = RemBertTokenizer.FromPretrained(options.TokenizerPath);
        var ml = new MLContext(seed: 1);

        var table = new List<string> { "| what | measured | target |", "| --- | --- | --- |" };
        if (options.Measures("training") || options.Measures("transform"))
        {
            double matmulGflops = MatmulBenchmark.MeasureGflops();
            Console.WriteLine($"fp32 matmul {BenchmarkSettings.MatmulSize}x{BenchmarkSettings.MatmulSize}: {matmulGflops:F1} GFLOP/s");
            // The transform part scores with the trained model, so it needs the training part's model.
            var (trained, stepGflops) = TrainingStepBenchmark.Measure(ml, tokenizer, options);
            using (trained)
            {
                table.Add($"| training step FLOP rate / fp32 matmul rate | {stepGflops:F1} / {matmulGflops:F1} GFLOP/s = {stepGflops / matmulGflops:P0} | >= 60 % |");
                if (options.Measures("transform"))
                {
                    var (pipeline, raw) = TransformBenchmark.Measure(ml, trained, tokenizer, options);
                    table.Add($"| pipeline Transform / raw batched forward, {options.TransformRows:N0} rows | {pipeline:F1} / {raw:F1} rows/s = {pipeline / raw:P0} | >= 90 % |");
                }
            }
        }
        if (options.Measures("ner"))
        {
            var (pipeline, raw) = NamedEntityTransformBenchmark.Measure(ml, tokenizer, options);
            table.Add($"| NER pipeline Transform / raw batched forward, {options.TransformRows:N0} rows | {pipeline:F1} / {raw:F1} rows/s = {pipeline / raw:P0} | >= 90 % |");
        }
        if (options.Measures("qa"))
        {
            var (pipeline, raw) = QuestionAnsweringTransformBenchmark.Measure(ml, tokenizer, options);
            table.Add($"| question answering Transform / raw batched forward, long contexts in windows | {pipeline:F2} / {raw:F2} rows/s = {pipeline / raw:P0} | >= 90 % |");
        }
        if (options.Measures("zip"))
        {
            var zip = ZipSaveLoad.Measure(ml, tokenizer, options);
            table.Add($"| Model.Save of a {zip.WeightGiB:F2} GiB model | {zip.SaveSeconds:F1} s, peak RSS {zip.SavePeakGiB:F2} GiB ({zip.SaveExtraGiB:F2} GiB above the model in memory) | one copy of the weights |");
            table.Add($"| Model.Load in a fresh process | {zip.LoadSeconds} s, peak RSS {zip.LoadPeakGiB:F2} GiB ({zip.LoadAboveBaselineGiB / zip.WeightGiB:F2} x the weights above the process baseline), managed heap {zip.LoadManagedMiB:F0} MiB | one copy, no 2 GB array |");
        }
        Console.WriteLine();
        foreach (var line in table) Console.WriteLine(line);
        Console.WriteLine($"load average at the end: {ProcessMemory.LoadAverage()}");
        return 0;
    }
}
