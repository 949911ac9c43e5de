using ModelThroughput;

// Measures the full-size RemBERT (google/rembert's configuration, random weights) on this machine:
// forward throughput, the machine's fp32 matmul speed for comparison, and the peak memory of loading saved checkpoints.
// Usage: ModelThroughput                                full run (several minutes on 2 cores)
//        ModelThroughput --load-only                    build, save, and time three fresh-process loads of model.safetensors
//        ModelThroughput --measure-load DIR             child mode: load DIR with RemBertCheckpoint, print peak RSS
//        ModelThroughput --measure-load-pybridge DIR    child mode: PyBridge load_py of DIR/pytorch_model.bin, print peak RSS
return args is [LoadMemoryProbe.OursArgument or LoadMemoryProbe.PyBridgeArgument, var directory]
    ? LoadMemoryProbe.Run(args[0], directory)
    : FullRun.Run(loadOnly: args is [FullRun.LoadOnlyArgument]);
