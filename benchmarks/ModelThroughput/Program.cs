using ModelThroughput;

// Measures the full-size RemBERT (google/rembert's configuration, random weights) on this machine:
// forward throughput, the machine's fp32 matmul speed for comparison, and the peak memory of loading a saved checkpoint.
// Usage: ModelThroughput                       full run (a few minutes on 2 cores)
//        ModelThroughput --measure-load DIR    child mode: load DIR with RemBertPretrained and print peak RSS
return args is [LoadMemoryProbe.ModeArgument, var directory]
    ? LoadMemoryProbe.Run(directory)
    : FullRun.Run();
