using System.Diagnostics;
using System.Runtime.InteropServices;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Microsoft.ML.RemBert.Checkpoints;
using Microsoft.ML.RemBert.Modeling;
using TorchSharp;

namespace OnnxComparison;

/// <summary>What a child measured: the best wall-clock seconds of one forward, and the median CPU seconds one forward
/// cost the whole process (every thread: the engine's workers, spinning ones included).</summary>
internal readonly record struct ForwardTimes(double BestSeconds, double MedianCpuSeconds);

/// <summary>Each engine's timed loop over the same ids; run in a child process of its own.</summary>
internal static partial class EngineTimer
{
    /// <summary>
    /// Best seconds per forward of <paramref name="engine"/> on the model in <paramref name="directory"/>, after one warm-up;
    /// ONNX Runtime runs with <paramref name="threads"/> intra-op threads (libtorch's count, which the parent passes).
    /// </summary>
    public static ForwardTimes BestSeconds(EngineKind engine, string directory, int batch, int sequence, int repeats, int threads) => engine switch
    {
        EngineKind.TorchFloat32 => TorchSeconds(directory, RemBertPrecision.Float32, batch, sequence, repeats, prepack: false),
        EngineKind.TorchFloat32Prepacked => TorchSeconds(directory, RemBertPrecision.Float32, batch, sequence, repeats, prepack: true),
        EngineKind.TorchBFloat16 => TorchSeconds(directory, RemBertPrecision.BFloat16, batch, sequence, repeats, prepack: false),
        EngineKind.TorchBFloat16Prepacked => TorchSeconds(directory, RemBertPrecision.BFloat16, batch, sequence, repeats, prepack: true),
        _ => OrtSeconds(Path.Combine(directory, EngineKinds.OnnxFile(engine)), batch, sequence, repeats, threads),
    };

    /// <summary>Our TorchSharp classifier (eval, no_grad) loaded in <paramref name="precision"/>, its encoder's weights prepacked if asked.</summary>
    private static ForwardTimes TorchSeconds(string directory, RemBertPrecision precision, int batch, int sequence, int repeats, bool prepack)
    {
        using var model = RemBertCheckpoint.FromPretrained<RemBertForSequenceClassification>(directory, torch.CPU, new CheckpointLoadOptions { Precision = precision });
        model.eval();
        if (prepack)
            PrepackedWeight.PackEncoder(model);
        using var noGrad = torch.no_grad();
        using var inputIds = torch.tensor(Inputs(batch, sequence), [batch, sequence]);
        using var mask = torch.ones(batch, sequence, dtype: torch.int64);
        using var types = torch.zeros(batch, sequence, dtype: torch.int64);
        return Best(repeats, () =>
        {
            using var scope = torch.NewDisposeScope();
            _ = model.forward(inputIds, mask, types).Logits[0, 0].item<float>();
        });
    }

    /// <summary>ONNX Runtime on <paramref name="onnx"/>, first output only (our graph's Score, the standard graph's logits).</summary>
    private static ForwardTimes OrtSeconds(string onnx, int batch, int sequence, int repeats, int threads)
    {
        using var options = OrtSessionOptions(threads);
        using var session = new InferenceSession(onnx, options);
        var inputs = OrtInputs(session, batch, sequence);
        string[] output = [session.OutputMetadata.Keys.Contains("Score.output") ? "Score.output" : session.OutputMetadata.Keys.First()];
        return Best(repeats, () =>
        {
            using var results = session.Run(inputs, output);
        });
    }

    /// <summary>Every ONNX Runtime session of the comparison: all graph optimisations, <paramref name="threads"/> intra-op threads.</summary>
    public static SessionOptions OrtSessionOptions(int threads) => new()
    {
        GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
        IntraOpNumThreads = threads,
        ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
    };

    /// <summary>
    /// The inputs of either graph: ids, an all-ones mask and zero token types, under our export's names (InputIds…) or
    /// transformers' (input_ids…); a string input (the text column our transformer was built on) gets empty strings.
    /// </summary>
    public static List<NamedOnnxValue> OrtInputs(InferenceSession session, int batch, int sequence)
    {
        var ids = Inputs(batch, sequence);
        return session.InputMetadata.Keys.Select(name => name switch
        {
            "InputIds" or "input_ids" => NamedOnnxValue.CreateFromTensor(name, new DenseTensor<long>(ids, [batch, sequence])),
            "AttentionMask" or "attention_mask" => NamedOnnxValue.CreateFromTensor(name, new DenseTensor<long>(Enumerable.Repeat(1L, batch * sequence).ToArray(), [batch, sequence])),
            "TokenTypeIds" or "token_type_ids" => NamedOnnxValue.CreateFromTensor(name, new DenseTensor<long>(new long[batch * sequence], [batch, sequence])),
            // The text column the transformer was built on: unused by the graph, which is fed ids.
            _ => NamedOnnxValue.CreateFromTensor(name, new DenseTensor<string>(Enumerable.Repeat("", batch).ToArray(), [batch, 1])),
        }).ToList();
    }

    /// <summary>The same seeded ids for every engine, below 1,000 so they exist in every vocabulary built here.</summary>
    private static long[] Inputs(int batch, int sequence)
    {
        var random = new Random(7);
        return Enumerable.Range(0, batch * sequence).Select(_ => (long)random.Next(5, 1000)).ToArray();
    }

    private static ForwardTimes Best(int repeats, Action forward)
    {
        forward(); // warm-up
        double best = double.MaxValue;
        var cpu = new double[repeats];
        for (int i = 0; i < repeats; i++)
        {
            double cpuStart = ProcessCpuSeconds();
            var clock = Stopwatch.StartNew();
            forward();
            best = Math.Min(best, clock.Elapsed.TotalSeconds);
            cpu[i] = ProcessCpuSeconds() - cpuStart;
        }
        Array.Sort(cpu);
        return new(best, cpu[repeats / 2]);
    }

    /// <summary>
    /// CPU seconds the whole process has used (all threads), to the nanosecond: CLOCK_PROCESS_CPUTIME_ID.
    /// Process.TotalProcessorTime counts in scheduler ticks (10 ms), as long as a 1 x 32 forward.
    /// </summary>
    public static unsafe double ProcessCpuSeconds()
    {
        const int ClockProcessCpuTimeId = 2;
        TimeSpec time = default;
        if (clock_gettime(ClockProcessCpuTimeId, &time) != 0)
            throw new InvalidOperationException($"clock_gettime(CLOCK_PROCESS_CPUTIME_ID) failed (errno {Marshal.GetLastPInvokeError()}).");
        return time.Seconds + time.Nanoseconds * 1e-9;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [LibraryImport("libc", SetLastError = true)]
    private static unsafe partial int clock_gettime(int clockId, TimeSpec* time);
}
