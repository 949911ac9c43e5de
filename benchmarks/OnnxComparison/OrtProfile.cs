using System.Globalization;
using System.Text.Json;
using Microsoft.ML.OnnxRuntime;

namespace OnnxComparison;

/// <summary>
/// Where ONNX Runtime's time goes on one graph: its own profiler (SessionOptions.EnableProfiling) over a few forwards,
/// summed per operator type of the OPTIMISED graph, so the table shows which fusions applied (LayerNormalization,
/// SkipLayerNormalization, Gelu, BiasGelu, Attention, FusedMatMul…) and what each kind of kernel costs per forward.
/// </summary>
internal static class OrtProfile
{
    /// <summary>
    /// Profiles each graph of <paramref name="onnxFiles"/> at batch × sequence with the comparison's session options, the
    /// graphs' forwards interleaved (one of each per round) so that the machine's load hits them alike.
    /// </summary>
    public static void Run(string[] onnxFiles, int batch, int sequence, int threads, int runs)
    {
        var sessions = new List<(string File, SessionOptions Options, InferenceSession Session, List<NamedOnnxValue> Inputs, string[] Output)>();
        try
        {
            foreach (var onnx in onnxFiles)
            {
                var options = EngineTimer.OrtSessionOptions(threads);
                options.EnableProfiling = true;
                options.ProfileOutputPathPrefix = Path.Combine(Path.GetTempPath(), $"rembert-ort-profile-{Environment.ProcessId}-{sessions.Count}");
                var session = new InferenceSession(onnx, options);
                string[] output = [session.OutputMetadata.Keys.Contains("Score.output") ? "Score.output" : session.OutputMetadata.Keys.First()];
                sessions.Add((onnx, options, session, EngineTimer.OrtInputs(session, batch, sequence), output));
            }
            for (int i = 0; i < runs + 1; i++)
                foreach (var (_, _, session, inputs, output) in sessions)
                {
                    using var results = session.Run(inputs, output);
                }
            foreach (var (onnx, _, session, _, _) in sessions)
            {
                string file = session.EndProfiling();
                try
                {
                    Report(file, onnx, batch, sequence, threads);
                }
                finally
                {
                    File.Delete(file);
                }
            }
        }
        finally
        {
            foreach (var (_, options, session, _, _) in sessions)
            {
                session.Dispose();
                options.Dispose();
            }
        }
    }

    private static void Report(string file, string onnx, int batch, int sequence, int threads)
    {
        using var document = JsonDocument.Parse(File.ReadAllBytes(file));
        var kernels = new Dictionary<string, (int Count, double Microseconds)>();
        var forwards = new List<double>();
        foreach (var e in document.RootElement.EnumerateArray())
        {
            string name = e.GetProperty("name").GetString() ?? "";
            string category = e.TryGetProperty("cat", out var cat) ? cat.GetString() ?? "" : "";
            double duration = e.TryGetProperty("dur", out var dur) ? dur.GetDouble() : 0;
            if (category == "Session" && name == "model_run") forwards.Add(duration);
            if (category != "Node" || !name.EndsWith("_kernel_time", StringComparison.Ordinal)) continue;
            string op = e.GetProperty("args").GetProperty("op_name").GetString() ?? "?";
            var (count, total) = kernels.GetValueOrDefault(op);
            kernels[op] = (count + 1, total + duration);
        }
        // The first run is the warm-up: per-forward figures divide by every profiled run but report the warm-up apart.
        int profiled = forwards.Count;
        double all = kernels.Values.Sum(k => k.Microseconds);
        Console.WriteLine($"OrtProfile: {Path.GetFileName(onnx)}, batch {batch} x {sequence}, {threads} intra-op threads, ORT_ENABLE_ALL, " +
            $"{profiled} runs (the first a warm-up)");
        var timed = forwards.Skip(1).Order().ToArray();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"forward ms: best {timed[0] / 1e3:F1}, median {timed[timed.Length / 2] / 1e3:F1} (all: {string.Join(", ", forwards.Select(f => (f / 1e3).ToString("F1", CultureInfo.InvariantCulture)))})"));
        Console.WriteLine("| operator (optimised graph) | kernels per forward | ms per forward | share of kernel time |");
        Console.WriteLine("| --- | --- | --- | --- |");
        foreach (var (op, (count, micros)) in kernels.OrderByDescending(k => k.Value.Microseconds))
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {op} | {count / (double)profiled:0.#} | {micros / profiled / 1e3:F2} | {micros / all:P1} |"));
    }
}
