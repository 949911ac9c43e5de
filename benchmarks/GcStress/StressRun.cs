using System.Diagnostics;
using Microsoft.ML.RemBert.MLNet.Training;
using Microsoft.ML.RemBert.Modeling;
using Microsoft.ML.RemBert.Tests.Runtime.ScalarSafety;
using TorchSharp;
using static TorchSharp.torch;

namespace GcStress;

/// <summary>The four workloads one after the other, each a quarter of the time, all under forced collections.</summary>
internal static class StressRun
{
    private const int ForwardThreads = 2;
    // Short rows: the hazard is per libtorch call that reads a Scalar, so many small forwards and steps find it sooner
    // than a few long ones.
    private const int ForwardBatch = 2, ForwardLength = 32;
    private const int TrainingBatch = 2, TrainingLength = 32;

    // Training uses a smaller vocabulary than google/rembert's 250,300: AdamW over the 64 M weights of its input
    // embedding alone takes seconds a step on 2 cores, and the width, the layers and the arithmetic stay the same.
    private const int TrainingVocabulary = 32_000;

    public static int Run(StressOptions options)
    {
        var share = TimeSpan.FromMinutes(options.Minutes / 4);
        var config = new RemBertConfig { NumHiddenLayers = options.Layers }.WithLabels(["negative", "positive"]);
        Console.WriteLine($"google/rembert's width (hidden {config.HiddenSize}, {config.NumAttentionHeads} heads, vocab {config.VocabSize}), " +
            $"{config.NumHiddenLayers} layers, random weights; {share.TotalMinutes:F2} min per workload; processors {Environment.ProcessorCount}, " +
            $"libtorch threads {get_num_threads()}");
        var tallies = new List<StressTally>();
        foreach (var precision in new[] { RemBertPrecision.Float32, RemBertPrecision.BFloat16 })
        {
            tallies.Add(Forwards(config, precision, share));
            tallies.Add(Training(config, precision, share));
        }
        bool clean = tallies.All(t => t.Clean);
        Console.WriteLine(clean ? "RESULT: no failure, no differing output" : "RESULT: FAILURES or differing outputs (see above)");
        return clean ? 0 : 1;
    }

    /// <summary>Forwards of one eval-mode model on two threads; each output is compared with the first, bit for bit.</summary>
    private static StressTally Forwards(RemBertConfig config, RemBertPrecision precision, TimeSpan duration)
    {
        using var model = new RemBertModel(config);
        model.InitializeWeights(new Generator(1));
        model.eval();
        if (precision == RemBertPrecision.BFloat16) model.to(ScalarType.BFloat16);
        var (ids, mask) = Inputs(config, ForwardBatch, ForwardLength, seed: 2);
        var expected = Forward(model, ids, mask);
        var tally = new StressTally($"forward {precision} ({ForwardThreads} threads, batch {ForwardBatch} x {ForwardLength})");
        var clock = Stopwatch.StartNew();
        using var pressure = new CollectionPressure();
        var threads = Enumerable.Range(0, ForwardThreads).Select(_ => new Thread(() =>
        {
            while (clock.Elapsed < duration)
            {
                try
                {
                    tally.Done(Forward(model, ids, mask).AsSpan().SequenceEqual(expected));
                }
                catch (Exception ex)
                {
                    tally.Failed(ex);
                }
            }
        })).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());
        tally.Print(clock.Elapsed, pressure.Collections);
        return tally;
    }

    /// <summary>Training steps as the trainer takes them: forward with labels, backward, clipping, the trainer's AdamW.</summary>
    private static StressTally Training(RemBertConfig fullConfig, RemBertPrecision precision, TimeSpan duration)
    {
        var config = fullConfig with { VocabSize = TrainingVocabulary };
        using var model = (RemBertForSequenceClassification)RemBertModelFactory.Create(config, RemBertArchitectures.ForSequenceClassification);
        model.InitializeWeights(new Generator(1));
        model.train();
        var parameters = model.parameters().ToList();
        using var optimizer = DecoupledWeightDecay.CreateOptimizer(model, 1e-5, 0.01);
        var (ids, mask) = Inputs(config, TrainingBatch, TrainingLength, seed: 3);
        using var labels = tensor(new long[] { 0, 1 });
        var tally = new StressTally($"training step {precision} (batch {TrainingBatch} x {TrainingLength}, vocabulary {TrainingVocabulary:N0})");
        var clock = Stopwatch.StartNew();
        using var pressure = new CollectionPressure();
        while (clock.Elapsed < duration)
        {
            try
            {
                using (var scope = NewDisposeScope())
                {
                    Tensor loss;
                    using (RemBertAutocast.Enter(precision))
                        loss = model.forward(ids, mask, labels: labels).Loss!;
                    loss.backward();
                    nn.utils.clip_grad_norm_(parameters, 1.0);
                    optimizer.step();
                    optimizer.zero_grad();
                    if (!float.IsFinite(loss.item<float>())) throw new InvalidOperationException("the loss is not finite");
                }
                tally.Done();
            }
            catch (Exception ex)
            {
                tally.Failed(ex);
            }
        }
        tally.Print(clock.Elapsed, pressure.Collections);
        return tally;
    }

    private static float[] Forward(RemBertModel model, Tensor ids, Tensor mask)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        return model.forward(ids, mask).LastHiddenState.to_type(ScalarType.Float32).data<float>().ToArray();
    }

    /// <summary>Random ids (no special ones) with the last row's final quarter padded, so the mask's arithmetic runs.</summary>
    private static (Tensor Ids, Tensor Mask) Inputs(RemBertConfig config, int batch, int length, long seed)
    {
        var generator = new Generator((ulong)seed);
        var ids = randint(5, config.VocabSize, [batch, length], dtype: ScalarType.Int64, generator: generator);
        var mask = ones([batch, length], dtype: ScalarType.Int64);
        mask[batch - 1, TensorIndex.Slice(length - length / 4)] = zeros(length / 4, dtype: ScalarType.Int64);
        return (ids, mask);
    }
}
