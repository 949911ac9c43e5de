using System.Diagnostics;
using Microsoft.ML.RemBert.Modeling;
using Microsoft.ML.RemBert.Tests.Modeling;
using TorchSharp;
using Xunit;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Microsoft.ML.RemBert.Tests.Runtime.ScalarSafety;

/// <summary>
/// Issue 25 as a busy service meets it: forward passes on two threads while a third forces collections and runs
/// finalizers. With a Scalar that nothing holds, some forwards fail inside libtorch ("Expected false to be true ...
/// toFloat at c10/core/Scalar.h" or "Unknown scalar type"); with every scalar held, none fails and every output is
/// bit-identical to the one computed before the pressure started.
/// </summary>
public class ForwardUnderCollectionPressureTests(ITestOutputHelper output)
{
    private const int Threads = 2;
    private static readonly TimeSpan Duration = TimeSpan.FromSeconds(8);

    // Each thread also runs until it has done this many forwards (a loaded machine can be slow), up to Limit.
    private const int MinimumForwardsPerThread = 100;
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(2);

    /// <summary>The shape of ../shared's tiny reference checkpoints (hidden 48, 3 layers, 4 heads), with random weights.</summary>
    private static RemBertConfig ReferenceSized() => new RemBertConfig
    {
        VocabSize = TinyModels.Vocab, HiddenSize = 48, NumHiddenLayers = 3, NumAttentionHeads = 4, InputEmbeddingSize = 24,
        OutputEmbeddingSize = 40, IntermediateSize = 96, MaxPositionEmbeddings = 128, PadTokenId = 0, BosTokenId = 1, EosTokenId = 2,
    }.WithLabels(["a", "b", "c"]);

    [Trait("Category", "Slow")]
    [Theory]
    [InlineData(null, false)]
    [InlineData(ScalarType.Float32, true)] // oneMKL's packed SGEMM
    [InlineData(ScalarType.BFloat16, true)] // oneDNN's prepacked linear, through TorchScript's invoke
    public void ForwardsOnTwoThreadsUnderForcedCollectionsNeverFailAndAreBitIdentical(ScalarType? type, bool prepacked)
    {
        using var model = TinyModels.Build<RemBertForSequenceClassification>(ReferenceSized(), RemBertArchitectures.ForSequenceClassification);
        if (type is { } converted)
            model.to(converted);
        if (prepacked)
            PrepackedWeight.PackEncoder(model);
        var (ids, mask) = TinyModels.Inputs([4]); // the last row padded: the extended mask's arithmetic runs every time
        var expected = Forward(model, ids, mask);

        var forwards = new int[Threads];
        var mismatches = new int[Threads];
        var failures = new List<Exception>();
        var clock = Stopwatch.StartNew();
        int collections;
        using (var pressure = new CollectionPressure())
        {
            var threads = Enumerable.Range(0, Threads).Select(t => new Thread(() =>
            {
                while ((clock.Elapsed < Duration || forwards[t] < MinimumForwardsPerThread) && clock.Elapsed < Limit)
                {
                    try
                    {
                        if (!Forward(model, ids, mask).SequenceEqual(expected)) mismatches[t]++;
                    }
                    catch (Exception ex)
                    {
                        lock (failures) failures.Add(ex);
                    }
                    forwards[t]++;
                }
            })).ToList();
            threads.ForEach(t => t.Start());
            threads.ForEach(t => t.Join());
            collections = pressure.Collections;
        }

        output.WriteLine($"{forwards.Sum()} forwards ({string.Join(" + ", forwards)}), {collections} forced collections, {failures.Count} failed, {mismatches.Sum()} differed");
        Assert.True(failures.Count == 0, $"{failures.Count} of {forwards.Sum()} forwards failed under forced collections; the first:\n{failures.FirstOrDefault()}");
        Assert.Equal(0, mismatches.Sum());
        Assert.All(forwards, count => Assert.True(count >= MinimumForwardsPerThread, $"only {count} forwards on a thread in {Limit.TotalMinutes} min"));
        Assert.True(collections >= 50, $"only {collections} forced collections in {clock.Elapsed.TotalSeconds:F0} s");
    }

    private static float[] Forward(RemBertForSequenceClassification model, Tensor ids, Tensor mask)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var output = model.forward(ids, mask);
        return output.Logits.data<float>().ToArray();
    }
}
