using System.Diagnostics;
using System.Globalization;
using Microsoft.ML.RemBert.Modeling;
using Microsoft.ML.RemBert.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace OnnxComparison;

/// <summary>
/// Where our fp32 forward's time goes: the whole forward and each of its operations alone, at the forward's own shapes,
/// timed in ONE process and interleaved (round after round, every variant once per round), so that the load other
/// processes put on the machine hits every variant alike; the report gives each variant's best and median.
/// </summary>
internal static class ForwardProfile
{
    /// <summary>Profiles the 4-layer full-width model (or a tiny one when <paramref name="quick"/>) at batch × sequence with
    /// <paramref name="threads"/> libtorch threads (0: libtorch's default); <paramref name="only"/>: run only the
    /// variants whose names contain one of these texts (all when empty).</summary>
    public static void Run(bool quick, int rounds, int batch, int sequence, int threads, string[] only)
    {
        if (threads > 0) set_num_threads(threads);
        Console.WriteLine($"float32 matmuls: {TorchRuntime.UseMklAvx512Kernels().Reason}");
        var config = quick ? ComparisonModels.Tiny : ComparisonModels.FourLayerFullWidth;
        Console.WriteLine($"ForwardProfile: {config.NumHiddenLayers} layers, hidden {config.HiddenSize}, batch {batch} x {sequence}, " +
            $"{rounds} interleaved rounds, libtorch threads {get_num_threads()} (interop {get_num_interop_threads()})");
        using var noGrad = no_grad();
        manual_seed(1);
        using var sdpa = new RemBertModel(config, addPoolingLayer: false);
        manual_seed(1);
        using var eager = new RemBertModel(config with { AttentionImplementation = RemBertAttentionImplementation.Eager }, addPoolingLayer: false);
        manual_seed(1);
        using var contiguousWeights = new RemBertModel(config, addPoolingLayer: false);
        StoreLinearWeightsContiguous(contiguousWeights);
        contiguousWeights.eval();
        sdpa.eval();
        eager.eval();
        using var parts = new LayerParts(config, batch, sequence);
        var ids = randint(5, Math.Min(1000, config.VocabSize), [batch, sequence], dtype: ScalarType.Int64);
        var mask = ones(batch, sequence, dtype: ScalarType.Int64);
        int layers = config.NumHiddenLayers;
        var variants = new (string Name, Action Run)[]
        {
            ("forward, SDPA attention (default)", () => Read(sdpa.forward(ids, mask).LastHiddenState)),
            ("forward, linear weights stored [out, in] (nn.Linear's own layout, before)", () => Read(contiguousWeights.forward(ids, mask).LastHiddenState)),
            ("forward, eager attention", () => Read(eager.forward(ids, mask).LastHiddenState)),
            ($"linears x{layers} (nn.functional.linear)", () => Repeat(layers, parts.Linears)),
            ($"linears x{layers} (addmm, pre-transposed weights)", () => Repeat(layers, parts.LinearsPretransposed)),
            ($"linears x{layers} (linear over weights stored [in, out])", () => Repeat(layers, parts.LinearsStoredTransposed)),
            ($"linears x{layers} (query, key, value fused in one linear)", () => Repeat(layers, parts.LinearsFusedQkv)),
            ($"linears x{layers} (oneMKL weights packed once: cblas_sgemm_compute)", () => Repeat(layers, parts.LinearsMklPacked)),
            ($"GELU x{layers}", () => Repeat(layers, parts.Gelu)),
            ($"residual add + LayerNorm x{layers * 2}", () => Repeat(layers, parts.AddLayerNorms)),
            ($"SDPA x{layers}", () => Repeat(layers, parts.Sdpa)),
            ($"eager attention x{layers}", () => Repeat(layers, parts.EagerAttention)),
            ($"split/merge heads x{layers}", () => Repeat(layers, parts.SplitMerge)),
            ("embeddings + projection", () => Read(LayerParts.EmbeddingProjection(sdpa, ids))),
        };
        // The first variant (the default forward) is the yardstick and always runs.
        variants = [variants[0], .. variants.Skip(1).Where(v => only.Length == 0 || only.Any(part => v.Name.Contains(part, StringComparison.OrdinalIgnoreCase)))];
        var seconds = variants.Select(_ => new List<double>()).ToArray();
        var cpuSeconds = variants.Select(_ => new List<double>()).ToArray();
        foreach (var (_, run) in variants) Timed(run); // warm-up
        for (int round = 0; round < rounds; round++)
        {
            for (int i = 0; i < variants.Length; i++)
            {
                double cpuStart = EngineTimer.ProcessCpuSeconds();
                seconds[i].Add(Timed(variants[i].Run));
                cpuSeconds[i].Add(EngineTimer.ProcessCpuSeconds() - cpuStart);
            }
            // Progress on stderr, so an interrupted run still shows what it measured.
            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"round {round + 1}: {string.Join(", ", seconds.Select(s => $"{s[^1] * 1e3:F0}"))} ms"));
        }
        double forwardBest = seconds[0].Min();
        // CPU ms: the whole process's CPU time (all threads) over the variant, median: the signal a loaded machine
        // distorts least (it leaves out the time other processes hold the cores).
        double forwardCpu = Median(cpuSeconds[0]);
        Console.WriteLine("| variant | best ms | median ms | best / forward | median CPU ms | CPU / forward's |");
        Console.WriteLine("| --- | --- | --- | --- | --- | --- |");
        for (int i = 0; i < variants.Length; i++)
        {
            var sorted = seconds[i].Order().ToArray();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {variants[i].Name} | {sorted[0] * 1e3:F1} | {sorted[sorted.Length / 2] * 1e3:F1} | {sorted[0] / forwardBest:P1} | " +
                $"{Median(cpuSeconds[i]) * 1e3:F1} | {Median(cpuSeconds[i]) / forwardCpu:P1} |"));
        }
    }

    /// <summary>Gives every nn.Linear its weight back in nn.Linear's own contiguous [out, in] storage (the encoder
    /// stores it as [in, out], see TransposedLinear), so the forward runs as it did before that change.</summary>
    private static void StoreLinearWeightsContiguous(nn.Module model)
    {
        foreach (var linear in model.modules().OfType<TorchSharp.Modules.Linear>())
            linear.weight = new TorchSharp.Modules.Parameter(linear.weight!.detach().contiguous());
    }

    private static void Repeat(int times, Func<Tensor> part)
    {
        for (int i = 0; i < times; i++) Read(part());
    }

    private static void Read(Tensor result)
    {
        using (result) _ = result.flatten()[0].item<float>();
    }

    private static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);

    private static double Timed(Action run)
    {
        using var scope = NewDisposeScope();
        var clock = Stopwatch.StartNew();
        run();
        return clock.Elapsed.TotalSeconds;
    }

    /// <summary>The operations of one encoder layer on random tensors of the forward's shapes.</summary>
    private sealed class LayerParts : IDisposable
    {
        // The initializer range of the weights (nn.Linear std 0.02), held for the process (the library's Runtime/HeldScalars).
        private static readonly Scalar WeightScale = 0.02;

        private readonly long _heads, _headSize;
        private readonly Tensor _hidden, _attentionMask;
        private readonly Tensor[] _weights, _biases, _transposed;
        private readonly Tensor _intermediate, _lnWeight, _lnBias, _qkvWeight, _qkvBias;
        private readonly MklPackedGemm[] _mklPacked;

        public LayerParts(RemBertConfig config, int batch, int sequence)
        {
            long h = config.HiddenSize, inter = config.IntermediateSize;
            _heads = config.NumAttentionHeads;
            _headSize = config.AttentionHeadSize;
            _hidden = randn(batch, sequence, h);
            _intermediate = randn(batch, sequence, inter);
            _attentionMask = zeros(batch, 1, 1, sequence);
            // query, key, value, attention output, feed-forward in, feed-forward out: [out, in] as nn.Linear holds them.
            (long Out, long In)[] shapes = [(h, h), (h, h), (h, h), (h, h), (inter, h), (h, inter)];
            _weights = shapes.Select(s => randn(s.Out, s.In).mul(WeightScale)).ToArray();
            _biases = shapes.Select(s => zeros(s.Out)).ToArray();
            _qkvWeight = cat(_weights[..3], 0);
            _qkvBias = cat(_biases[..3], 0);
            _transposed = _weights.Select(w => w.t().contiguous()).ToArray();
            _mklPacked = _transposed.Select((w, i) => new MklPackedGemm(w, _biases[i], batch * sequence)).ToArray();
            Console.WriteLine($"oneMKL packed weights: {_mklPacked.Sum(p => (double)p.PackedBytes) / 1e6:F1} MB for " +
                $"{_transposed.Sum(w => w.numel() * 4.0) / 1e6:F1} MB of float32 weights (one layer); " +
                $"max |difference| from nn.functional.linear {PackedDifference():G3}");
            _lnWeight = ones(h);
            _lnBias = zeros(h);
        }

        public Tensor Linears()
        {
            for (int i = 0; i < 4; i++) nn.functional.linear(_hidden, _weights[i], _biases[i]).Dispose();
            nn.functional.linear(_hidden, _weights[4], _biases[4]).Dispose();
            return nn.functional.linear(_intermediate, _weights[5], _biases[5]);
        }

        public Tensor LinearsPretransposed()
        {
            var flat = _hidden.view(-1, _hidden.shape[^1]);
            for (int i = 0; i < 5; i++) addmm(_biases[i], flat, _transposed[i], 1, 1).Dispose();
            return addmm(_biases[5], _intermediate.view(-1, _intermediate.shape[^1]), _transposed[5], 1, 1);
        }

        /// <summary>nn.functional.linear given Wᵀ.t(): the weight keeps its [out, in] shape, stored as [in, out].</summary>
        public Tensor LinearsStoredTransposed()
        {
            for (int i = 0; i < 5; i++) nn.functional.linear(_hidden, _transposed[i].t(), _biases[i]).Dispose();
            return nn.functional.linear(_intermediate, _transposed[5].t(), _biases[5]);
        }

        public Tensor LinearsFusedQkv()
        {
            nn.functional.linear(_hidden, _qkvWeight, _qkvBias).Dispose();
            nn.functional.linear(_hidden, _weights[3], _biases[3]).Dispose();
            nn.functional.linear(_hidden, _weights[4], _biases[4]).Dispose();
            return nn.functional.linear(_intermediate, _weights[5], _biases[5]);
        }

        public Tensor LinearsMklPacked()
        {
            for (int i = 0; i < 5; i++) _mklPacked[i].Forward(_hidden).Dispose();
            return _mklPacked[5].Forward(_intermediate);
        }

        private double PackedDifference()
        {
            using var scope = NewDisposeScope();
            double worst = 0;
            for (int i = 0; i < 6; i++)
            {
                var input = i < 5 ? _hidden : _intermediate;
                using var difference = _mklPacked[i].Forward(input).add(nn.functional.linear(input, _weights[i], _biases[i]).neg(), HeldScalars.One).abs().max();
                worst = Math.Max(worst, difference.item<float>());
            }
            return worst;
        }

        public void Dispose()
        {
            foreach (var packed in _mklPacked) packed.Dispose();
        }

        public Tensor Gelu() => nn.functional.gelu(_intermediate);

        public Tensor AddLayerNorms()
        {
            var shape = new[] { _hidden.shape[^1] };
            nn.functional.layer_norm(_hidden.add(_hidden, HeldScalars.One), shape, _lnWeight, _lnBias, 1e-12).Dispose();
            return nn.functional.layer_norm(_hidden.add(_hidden, HeldScalars.One), shape, _lnWeight, _lnBias, 1e-12);
        }

        private Tensor Heads(Tensor x) => x.view(x.shape[0], x.shape[1], _heads, _headSize).permute(0, 2, 1, 3);

        public Tensor Sdpa()
        {
            var q = Heads(_hidden);
            return nn.functional.scaled_dot_product_attention(q, q, q, _attentionMask);
        }

        public Tensor EagerAttention()
        {
            var q = Heads(_hidden);
            using var scale = Math.Sqrt(_headSize).ToScalar();
            var scores = matmul(q, q.transpose(-1, -2)).div(scale).add(_attentionMask, HeldScalars.One);
            return matmul(nn.functional.softmax(scores, -1), q);
        }

        public Tensor SplitMerge()
        {
            for (int i = 0; i < 2; i++) Heads(_hidden).contiguous().Dispose();
            return Heads(_hidden).permute(0, 2, 1, 3).contiguous();
        }

        public static Tensor EmbeddingProjection(RemBertModel model, Tensor ids)
        {
            var modules = model.named_modules().ToDictionary(m => m.name, m => m.module);
            var embeddings = (RemBertEmbeddings)modules["embeddings"];
            var projection = (TorchSharp.Modules.Linear)modules["encoder.embedding_hidden_mapping_in"];
            return projection.forward(embeddings.forward(ids, zeros_like(ids)));
        }
    }
}
