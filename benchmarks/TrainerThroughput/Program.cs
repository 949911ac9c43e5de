using TrainerThroughput;

// Measures the RemBERT trainers on this machine, side by side in one run:
//  1. training-step FLOP rate (3 x forward FLOPs per step) of a 4-layer full-width model at batch 8 x 128, as a
//     share of the same process's fp32 matmul rate (target >= 0.6);
//  2. pipeline Transform throughput over 10,000 rows, as a share of raw batched forward throughput on the same
//     token lengths (target >= 0.9);
//  3. named-entity recognition Transform throughput (one tag per word, long rows in windows) as a share of raw
//     batched forward throughput on the same windows (target >= 0.9);
//  4. Model.Save / Model.Load of a full-size (google/rembert configuration, random weights) trained transformer
//     through an ML.NET zip: time and peak RSS (the load in a fresh process).
// Usage: TrainerThroughput [--quick] [--tokenizer PATH] [--rows N] [--only training|transform|ner|qa|zip]
//        --quick: tiny sizes, to check that it runs; --only: one measurement alone
//        TrainerThroughput --zip-load PATH                    child mode: Model.Load of PATH, prints peak RSS
return args is [ZipSaveLoad.LoadArgument, var path]
    ? ZipSaveLoad.RunLoadProbe(path)
    : Benchmark.Run(BenchmarkOptions.Parse(args));
