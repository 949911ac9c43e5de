using Microsoft.ML.RemBert.MLNet.Training;
using Microsoft.ML.RemBert.Modeling;
using Microsoft.ML.RemBert.Tests.Modeling;
using Xunit;

namespace Microsoft.ML.RemBert.Tests.MLNet.Training;

/// <summary>The training core's small pieces: schedule, weight-decay groups, length-grouped batches.</summary>
public sealed class TrainingPiecesTests
{
    [Fact]
    public void ScheduleWarmsUpThenDecaysToZeroAsTransformersDoes()
    {
        var schedule = new LinearWarmupSchedule(1e-3, totalSteps: 10, warmupRatio: 0.2);
        Assert.Equal(2, schedule.WarmupSteps);
        Assert.Equal([0, 0.5e-3, 1e-3, 0.875e-3, 0.5e-3, 0.125e-3], new[] { 0, 1, 2, 3, 6, 9 }.Select(schedule.LearningRate), new Close());
        Assert.Equal(1e-3 * 0.9, new LinearWarmupSchedule(1e-3, 10, 0).LearningRate(1), 12);
    }

    [Fact]
    public void BiasesAndLayerNormWeightsHaveNoWeightDecay()
    {
        using var model = TinyModels.Build<RemBertForSequenceClassification>(TinyModels.Config(), RemBertArchitectures.ForSequenceClassification);
        using var optimizer = DecoupledWeightDecay.CreateOptimizer(model, 1e-3, 0.01);
        var names = model.named_parameters().ToDictionary(p => p.parameter.Handle, p => p.name);
        var groups = optimizer.ParamGroups.Cast<TorchSharp.Modules.AdamW.ParamGroup>().ToList();
        Assert.Equal(2, groups.Count);
        var decayed = groups[0].Parameters.Select(p => names[p.Handle]).ToList();
        var exempt = groups[1].Parameters.Select(p => names[p.Handle]).ToList();
        Assert.Equal(0.01, groups[0].Options.weight_decay);
        Assert.Equal(0.0, groups[1].Options.weight_decay);
        Assert.Contains("rembert.embeddings.word_embeddings.weight", decayed);
        Assert.Contains("classifier.weight", decayed);
        Assert.Contains("classifier.bias", exempt);
        Assert.Contains("rembert.embeddings.LayerNorm.weight", exempt);
        Assert.All(exempt, name => Assert.True(name.EndsWith(".bias") || name.Contains("LayerNorm")));
        Assert.All(decayed, name => Assert.False(name.EndsWith(".bias") || name.Contains("LayerNorm")));
        Assert.Equal(model.parameters().Count(), decayed.Count + exempt.Count);
    }

    [Fact]
    public void LengthGroupedBatchesCoverEveryExampleOnceAndRepeatWithTheSeed()
    {
        var random = new Random(3);
        int[] lengths = Enumerable.Range(0, 1000).Select(_ => random.Next(3, 128)).ToArray();
        var batches = LengthGroupedBatches.Shuffled(lengths, 16, new Random(1));
        Assert.Equal(Enumerable.Range(0, 1000), batches.SelectMany(batch => batch).Order());
        Assert.All(batches.Take(batches.Count - 2), batch => Assert.InRange(batch.Length, 1, 16));
        Assert.Equal(batches, LengthGroupedBatches.Shuffled(lengths, 16, new Random(1)));
        Assert.NotEqual(batches, LengthGroupedBatches.Shuffled(lengths, 16, new Random(2)));
        // Grouping by length: the padding a batch needs is a small share of what random batches need.
        double Waste(IEnumerable<int[]> all) => all.Sum(batch => batch.Sum(i => batch.Max(j => lengths[j]) - lengths[i]));
        Assert.True(Waste(batches) < Waste(Enumerable.Range(0, 1000).Chunk(16)) / 5);
    }

    [Fact]
    public void LengthGroupsAreSizedAsTransformersSizesItsMegabatches()
    {
        // transformers' get_length_grouped_indices: min(len(lengths) // (batch_size * 4), 50) batches, at least 1.
        Assert.Equal(2, LengthGroupedBatches.GroupBatches(180, 16));
        Assert.Equal(15, LengthGroupedBatches.GroupBatches(1000, 16));
        Assert.Equal(50, LengthGroupedBatches.GroupBatches(100_000, 16));
        Assert.Equal(1, LengthGroupedBatches.GroupBatches(10, 16));

        // On a small set (the NER sample's 180 sentences) the batches change from epoch to epoch: sorting the whole set
        // by length made nearly the same batches every epoch, unlike transformers.
        var random = new Random(5);
        int[] lengths = Enumerable.Range(0, 180).Select(_ => random.Next(5, 30)).ToArray();
        var draws = new Random(1);
        var first = LengthGroupedBatches.Shuffled(lengths, 16, draws).Select(batch => string.Join(',', batch.Order())).ToHashSet();
        var second = LengthGroupedBatches.Shuffled(lengths, 16, draws).Select(batch => string.Join(',', batch.Order())).ToHashSet();
        Assert.True(first.Intersect(second).Count() <= 1, $"{first.Intersect(second).Count()} of {first.Count} batches repeat in the next epoch");
    }

    private sealed class Close : IEqualityComparer<double>
    {
        public bool Equals(double x, double y) => Math.Abs(x - y) < 1e-12;
        public int GetHashCode(double obj) => 0;
    }
}
