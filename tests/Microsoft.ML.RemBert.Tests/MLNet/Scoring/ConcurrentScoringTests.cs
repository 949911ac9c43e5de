using Xunit;
using static Microsoft.ML.RemBert.Tests.MLNet.Scoring.ScoringTestData;

namespace Microsoft.ML.RemBert.Tests.MLNet.Scoring;

/// <summary>One scoring transformer used from several threads at once gives exactly the sequential results.</summary>
public sealed class ConcurrentScoringTests : MLNetFileTestBase
{
    private const int Threads = 4;
    private const int Rounds = 5;

    [Fact]
    public void TransformsAndPredictionEnginesOnSeveralThreadsEqualSequentialOnes()
    {
        var rows = Rows(11);
        using var transformer = new LogitsScoringTransformer(MLContext, CreateTask(), inferenceBatchSize: 4);
        var data = MLContext.Data.LoadFromEnumerable(rows);
        float[][] Transformed() => ReadScored(MLContext, transformer.Transform(data)).Select(row => row.Logits).ToArray();
        float[][] Predicted()
        {
            using var engine = MLContext.Model.CreatePredictionEngine<TextRow, ScoredRow>(transformer, new PredictionEngineOptions { OwnsTransformer = false });
            return rows.Select(row => engine.Predict(row).Logits).ToArray();
        }
        var sequentialTransform = Transformed();
        var sequentialPredict = Predicted();

        var results = new List<(bool Transform, float[][] Logits)>[Threads];
        var errors = new List<Exception>();
        var threads = Enumerable.Range(0, Threads).Select(t => new Thread(() =>
        {
            try
            {
                // Even threads transform, odd ones predict: both paths at once on one model.
                results[t] = Enumerable.Range(0, Rounds).Select(_ => t % 2 == 0 ? (true, Transformed()) : (false, Predicted())).ToList();
            }
            catch (Exception ex)
            {
                lock (errors)
                    errors.Add(ex);
            }
        })).ToList();
        threads.ForEach(thread => thread.Start());
        threads.ForEach(thread => thread.Join());

        Assert.True(errors.Count == 0, string.Join("\n\n", errors));
        foreach (var (isTransform, logits) in results.SelectMany(perThread => perThread))
            Assert.Equal(isTransform ? sequentialTransform : sequentialPredict, logits);
    }
}
