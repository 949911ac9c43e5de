using System.Diagnostics;
using Microsoft.ML.RemBert.Modeling;
using TorchSharp;
using static ModelThroughput.BenchmarkSettings;

namespace ModelThroughput;

/// <summary>Forward-pass throughput of a RemBERT encoder in eval mode, without gradients, in the model's own dtype.</summary>
internal static class ForwardBenchmark
{
    /// <summary>Mean seconds per forward of a <see cref="BenchmarkSettings.BatchSize"/> × <see cref="BenchmarkSettings.SequenceLength"/> batch.</summary>
    public static double MeasureSecondsPerForward(RemBertModel model)
    {
        model.eval();
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        var inputIds = torch.randint(0, model.Config.VocabSize, new long[] { BatchSize, SequenceLength }, dtype: torch.int64);
        var attentionMask = torch.ones(BatchSize, SequenceLength, dtype: torch.int64);
        for (int i = 0; i < WarmUpForwards; i++) Forward(model, inputIds, attentionMask);
        var clock = Stopwatch.StartNew();
        for (int i = 0; i < TimedForwards; i++) Forward(model, inputIds, attentionMask);
        clock.Stop();
        return clock.Elapsed.TotalSeconds / TimedForwards;
    }

    /// <summary>
    /// FLOPs of one forward: 2 × (parameters used in per-token matmuls, i.e. all but the embedding tables and the
    /// pooler) × tokens, plus attention's QKᵀ and AV products, 4 × layers × batch × seq² × hidden.
    /// </summary>
    public static double ForwardFlops(RemBertModel model)
    {
        long denseParameters = model.named_parameters()
            .Where(p => !p.name.EndsWith("_embeddings.weight", StringComparison.Ordinal) && !p.name.StartsWith("pooler.", StringComparison.Ordinal))
            .Sum(p => p.parameter.numel());
        double tokens = (double)BatchSize * SequenceLength;
        var config = model.Config;
        double attention = 4.0 * config.NumHiddenLayers * BatchSize * SequenceLength * (double)SequenceLength * config.HiddenSize;
        return 2.0 * denseParameters * tokens + attention;
    }

    private static void Forward(RemBertModel model, torch.Tensor inputIds, torch.Tensor attentionMask)
    {
        using var output = model.forward(inputIds, attentionMask);
        // Reading one value forces any deferred work to finish inside the timed region (any dtype: bf16 models too).
        _ = output.LastHiddenState[0, 0, 0].to_type(torch.ScalarType.Float32).item<float>();
    }
}
