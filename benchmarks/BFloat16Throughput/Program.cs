using BFloat16Throughput;
using Microsoft.ML.RemBert.Modeling;
using ModelThroughput;
using TrainerThroughput;

// bfloat16 against float32 on this machine, side by side in one run (issue 11's targets):
//  1. forward tokens/s at batch 8 x 128 on the full-size configuration: bf16 / fp32 (target >= 2.0), and the bf16
//     model's FLOP rate / the same process's bf16 matmul rate (target >= 0.8);
//  2. a training step (TrainerThroughput's: 4 layers of full width, batch 8 x 128, the real trainer) with bf16 mixed
//     precision / fp32 (target >= 1.6);
//  3. peak RSS of a fresh process loading the full-size checkpoint in bf16 / in fp32 (target <= 0.6).
// Usage: BFloat16Throughput [--quick] [--tokenizer PATH]         --quick: small sizes, to check that it runs
//        BFloat16Throughput --measure-load DIR float32|bfloat16  child mode: one load, prints peak RSS
return args is [LoadMemoryProbe.OursArgument, var directory, var precision]
    ? LoadMemoryProbe.Run(LoadMemoryProbe.OursArgument, directory, RemBertPrecisions.Parse(precision))
    : BFloat16Run.Run(BenchmarkOptions.Parse(args));
