using Microsoft.ML.Data;
using Microsoft.ML.RemBert.Checkpoints;
using Microsoft.ML.RemBert.MLNet.Training;
using Microsoft.ML.RemBert.Modeling;
using Microsoft.ML.RemBert.Modeling.Lora;
using Microsoft.ML.RemBert.Tests.Infrastructure;
using Microsoft.ML.RemBert.Trainers;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Microsoft.ML.RemBert.Tests.MLNet.Trainers;

/// <summary>
/// LoRA adapters and frozen layers (issue 21 part 5), on the tiny reference checkpoint (3 layers, hidden 48): what
/// trains and what stays bit-identical, the merge, the optimizer's parameters, and the options' errors.
/// </summary>
[Collection(TrainingCollection.Name)]
public sealed class PartialTrainingTests : MLNetFileTestBase
{
    private static RemBertTextClassificationOptions Options(Action<RemBertTextClassificationOptions> configure)
    {
        var options = new RemBertTextClassificationOptions
        {
            Model = KeywordData.BaseCheckpoint, MaxEpochs = 1, BatchSize = 8, LearningRate = 1e-3, MaxSequenceLength = 24,
            Seed = 7, Device = "cpu", MaxGradNorm = 0,
        };
        configure(options);
        return options;
    }

    private RemBertTextClassificationTransformer Train(RemBertTextClassificationOptions options)
        => MLContext.MulticlassClassification.Trainers.RemBert(options).Fit(TinyTraining.KeyedIntents(MLContext, 32, seed: 1));

    // The base checkpoint's weights under the names a sequence classifier gives them.
    private static Dictionary<string, float[]> StartingWeights()
    {
        using var start = RemBertCheckpoint.FromPretrained<RemBertModel>(KeywordData.BaseCheckpoint);
        return start.state_dict().ToDictionary(pair => $"rembert.{pair.Key}", pair => Floats(pair.Value));
    }

    private static Dictionary<string, float[]> Weights(nn.Module model)
        => model.state_dict().ToDictionary(pair => pair.Key, pair => Floats(pair.Value));

    private static float[] Floats(Tensor tensor) => tensor.detach().cpu().contiguous().data<float>().ToArray();

    private static bool IsTarget(string name) => name.Contains(".query.", StringComparison.Ordinal) || name.Contains(".value.", StringComparison.Ordinal);

    [Fact]
    public void LoraChangesOnlyTheTargetedWeightsByALowRankUpdateAndTheHeadAndPooler()
    {
        var start = StartingWeights();
        using var model = Train(Options(o => o.Lora = new RemBertLoraOptions { Rank = 2, Alpha = 4, Dropout = 0.05, TargetModules = ["query", "value"] }));
        var trained = Weights(model.Model);

        // The merged model has exactly a full fine-tune's state dict: no adapter keys, every parameter trainable again.
        Assert.DoesNotContain(trained.Keys, name => name.Contains("lora", StringComparison.Ordinal));
        Assert.All(model.Model.parameters(), p => Assert.True(p.requires_grad));
        foreach (var (name, before) in start)
        {
            if (name.StartsWith("rembert.pooler.", StringComparison.Ordinal))
                Assert.False(before.SequenceEqual(trained[name]), $"{name} (pooler) did not train");
            else if (IsTarget(name) && name.EndsWith(".weight", StringComparison.Ordinal))
                AssertLowRankUpdate(name, before, trained[name], rank: 2);
            else
                Assert.True(before.SequenceEqual(trained[name]), $"{name} changed although LoRA freezes it");
        }
        Assert.Contains("classifier.weight", trained.Keys);
    }

    // trained - start = scale·B·A: nonzero, of rank <= r (singular values past r vanish against the largest).
    private static void AssertLowRankUpdate(string name, float[] before, float[] after, int rank)
    {
        int side = (int)Math.Sqrt(before.Length);
        using var delta = tensor(after.Zip(before, (a, b) => (double)a - b).ToArray(), [side, side], ScalarType.Float64);
        using var singular = linalg.svdvals(delta);
        var values = singular.data<double>().ToArray();
        Assert.True(values[0] > 1e-6, $"{name} did not change");
        Assert.True(values[rank] < 1e-5 * values[0], $"{name}'s update has rank above {rank}: singular values {string.Join(", ", values.Take(rank + 2))}");
    }

    [Fact]
    public void AdaptersAreMergedSoTheZipScoresAsBeforeTheMergeThroughTheOrdinaryPath()
    {
        using var model = RemBertCheckpoint.FromPretrained<RemBertForSequenceClassification>(TestPaths.Fixture("rembert-reference", "seqcls"));
        var options = Options(o => o.Lora = new RemBertLoraOptions { Rank = 4, TargetModules = ["query", "key", "value", "dense"] });
        using var ids = tensor(new long[] { 3, 120, 77, 9, 4, 0, 3, 15, 2000, 4, 0, 0 }, [2, 6]);
        using var mask = tensor(new long[] { 1, 1, 1, 1, 1, 0, 1, 1, 1, 1, 0, 0 }, [2, 6]);
        using var partial = PartialTraining.Apply(model, options, seed: 3, channel: null);
        Assert.Equal(3 * 6, partial.AdapterCount);
        using (no_grad())
            foreach (var adapter in model.modules().OfType<LoraAdapter>())
                adapter.B.normal_(0, 0.05); // B starts at zero: give the update something to merge
        model.eval();
        float[] adapted, merged;
        using (no_grad())
        {
            adapted = Floats(model.forward(ids, mask).Logits);
            partial.Complete();
            merged = Floats(model.forward(ids, mask).Logits);
        }
        Assert.Empty(model.modules().OfType<LoraAdapter>());
        Assert.Equal(adapted.Length, merged.Length);
        for (int i = 0; i < adapted.Length; i++)
            Assert.True(Math.Abs(adapted[i] - merged[i]) <= 1e-5, $"logit {i}: {adapted[i]} with adapters, {merged[i]} merged");

        // And a trained LoRA model saves to an ordinary zip that loads and predicts as the trained transformer does.
        using var trained = Train(Options(o => o.Lora = new RemBertLoraOptions()));
        var data = TinyTraining.KeyedIntents(MLContext, 16, seed: 5);
        string zip = Path.Combine(TempDirectory, "lora.zip");
        MLContext.Model.Save(trained, data.Schema, zip);
        var expected = trained.Transform(data).GetColumn<float[]>("Score").ToArray();
        var loaded = MLContext.Model.Load(zip, out _);
        try
        {
            var actual = loaded.Transform(data).GetColumn<float[]>("Score").ToArray();
            Assert.Equal(expected.Length, actual.Length);
            for (int row = 0; row < expected.Length; row++)
                for (int i = 0; i < expected[row].Length; i++)
                    Assert.True(Math.Abs(expected[row][i] - actual[row][i]) <= 1e-6, $"row {row} score {i}: {expected[row][i]} trained, {actual[row][i]} loaded");
        }
        finally
        {
            (loaded as IDisposable)?.Dispose();
        }
    }

    [Fact]
    public void FrozenParametersGetNoGradientAndNoOptimizerState()
    {
        using var model = RemBertCheckpoint.FromPretrained<RemBertForSequenceClassification>(TestPaths.Fixture("rembert-reference", "seqcls"));
        model.train();
        using var partial = PartialTraining.Apply(model, Options(o => o.Lora = new RemBertLoraOptions()), seed: 1, channel: null);
        var trainable = model.named_parameters().Where(p => p.parameter.requires_grad).Select(p => p.name).ToList();
        Assert.All(trainable, name => Assert.True(name.Contains(".lora.", StringComparison.Ordinal) || name.StartsWith("classifier.", StringComparison.Ordinal)
                                                  || name.StartsWith("rembert.pooler.", StringComparison.Ordinal), $"{name} is trainable under LoRA"));
        Assert.Equal(3 * 2 * 2, trainable.Count(name => name.Contains(".lora.", StringComparison.Ordinal))); // 3 layers × (query, value) × (A, B)

        using var optimizer = DecoupledWeightDecay.CreateOptimizer(model, 1e-3, 0.01);
        Assert.Equal(trainable.Count, optimizer.parameters().Count());

        using (var scope = NewDisposeScope())
        {
            using var ids = tensor(new long[] { 3, 120, 77, 9, 4 }, [1, 5]);
            using var labels = tensor(new long[] { 1 });
            model.forward(ids, labels: labels).Loss!.backward();
        }
        foreach (var (name, parameter) in model.named_parameters())
        {
            if (parameter.requires_grad)
                Assert.True(parameter.grad is not null, $"{name} is trainable but got no gradient");
            else
                Assert.True(parameter.grad is null, $"{name} is frozen but got a gradient");
        }
    }

    [Fact]
    public void FreezeEmbeddingsKeepsTheEmbeddingsAndTrainsTheRest()
    {
        var start = StartingWeights();
        using var model = Train(Options(o => o.FreezeEmbeddings = true));
        var trained = Weights(model.Model);
        foreach (var (name, before) in start)
        {
            bool embedding = name.StartsWith("rembert.embeddings.", StringComparison.Ordinal);
            Assert.True(embedding == before.SequenceEqual(trained[name]), $"{name}: {(embedding ? "frozen embedding changed" : "did not train")}");
        }
    }

    [Fact]
    public void TrainableLayersKeepsTheLowerLayersAndWithLoraAdaptsOnlyTheTopOnes()
    {
        var start = StartingWeights();
        using (var model = Train(Options(o => o.TrainableLayers = 1)))
        {
            var trained = Weights(model.Model);
            foreach (var (name, before) in start)
            {
                bool trains = name.StartsWith("rembert.encoder.layer.2.", StringComparison.Ordinal) || name.StartsWith("rembert.pooler.", StringComparison.Ordinal);
                Assert.True(trains != before.SequenceEqual(trained[name]), $"{name}: {(trains ? "did not train" : "frozen weight changed")}");
            }
        }
        using (var model = Train(Options(o => { o.TrainableLayers = 2; o.Lora = new RemBertLoraOptions { TargetModules = ["attention.self.query"] }; })))
        {
            var trained = Weights(model.Model);
            foreach (var (name, before) in start)
            {
                bool adapted = name is "rembert.encoder.layer.1.attention.self.query.weight" or "rembert.encoder.layer.2.attention.self.query.weight";
                bool trains = adapted || name.StartsWith("rembert.pooler.", StringComparison.Ordinal);
                Assert.True(trains != before.SequenceEqual(trained[name]), $"{name}: {(trains ? "did not train" : "frozen weight changed")}");
            }
        }
    }

    [Fact]
    public void InvalidOptionsAreErrorsNamingTheOption()
    {
        var data = TinyTraining.KeyedIntents(MLContext, 8, seed: 1);
        Exception Fit(Action<RemBertTextClassificationOptions> configure)
            => Record.Exception(() => MLContext.MulticlassClassification.Trainers.RemBert(Options(configure)).Fit(data))!;

        var unknown = Assert.IsType<ArgumentException>(Fit(o => o.Lora = new RemBertLoraOptions { TargetModules = ["query", "attention"] }));
        Assert.Contains("'attention'", unknown.Message);
        Assert.Contains("query, key, value, attention.output.dense, intermediate.dense, output.dense, dense", unknown.Message);
        Assert.Contains("Lora.TargetModules", Assert.IsType<ArgumentException>(Fit(o => o.Lora = new RemBertLoraOptions { TargetModules = [] })).Message);
        Assert.Contains("Lora.Rank is 0", Assert.IsType<ArgumentOutOfRangeException>(Fit(o => o.Lora = new RemBertLoraOptions { Rank = 0 })).Message);
        Assert.Contains("Lora.Alpha is NaN", Assert.IsType<ArgumentOutOfRangeException>(Fit(o => o.Lora = new RemBertLoraOptions { Alpha = double.NaN })).Message);
        Assert.Contains("Lora.Dropout is 1", Assert.IsType<ArgumentOutOfRangeException>(Fit(o => o.Lora = new RemBertLoraOptions { Dropout = 1 })).Message);
        Assert.Contains("TrainableLayers is -1", Assert.IsType<ArgumentOutOfRangeException>(Fit(o => o.TrainableLayers = -1)).Message);
        var tooMany = Assert.IsType<ArgumentOutOfRangeException>(Fit(o => o.TrainableLayers = 4));
        Assert.Contains("TrainableLayers is 4 but the model has 3 encoder layers", tooMany.Message);
    }
}
