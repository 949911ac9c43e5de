namespace ModelThroughput;

/// <summary>The measured workload; fixed so that runs on different machines compare.</summary>
internal static class BenchmarkSettings
{
    public const int BatchSize = 8;
    public const int SequenceLength = 128;
    public const int WarmUpForwards = 1;
    public const int TimedForwards = 3;

    public const int MatmulSize = 2048;
    public const int MatmulWarmUps = 3;
    public const int MatmulRepeats = 20;

    public const double Giga = 1e9;
    public const double BytesPerGiB = 1024.0 * 1024 * 1024;
}
