using Microsoft.ML.RemBert.Tests.Infrastructure;
using Xunit;

namespace Microsoft.ML.RemBert.Tests.Samples;

/// <summary>
/// Every sample of samples/MLNetPipelines in its reduced mode (<c>--quick</c>): trains from the embedded default model,
/// beats chance on its held-out data, saves a zip, and a new process that only loads the zip (the sample's
/// consumption code) prints the same predictions.
/// </summary>
public sealed class SampleAppTests : IDisposable
{
    private readonly TemporaryDirectory directory = new();

    /// <summary>Each sample, the held-out metric it prints, and the value it must reach: chance plus a clear margin.</summary>
    [SkippableTheory]
    [InlineData("TextClassification", "micro accuracy", 0.35)] // 5 balanced intents: chance 0.2
    public void QuickRunBeatsChanceAndANewProcessPredictsTheSameFromTheZip(string sample, string metric, double atLeast)
    {
        DefaultModelWeights.SkipIfMissing();
        string training = SampleApp.Run(sample, directory.Path, "--quick", "--output", "model.zip");

        double value = SampleApp.Metric(training, metric);
        Assert.True(value >= atLeast, $"{sample}: held-out {metric} {value} is below {atLeast}:\n{training}");
        Assert.True(File.Exists(directory.File("model.zip")), $"{sample} saved no zip.");
        var trainedPredictions = SampleApp.PredictionLines(training);
        var languages = trainedPredictions.Select(line => line.Substring(3, 2)).Distinct().ToList();
        Assert.True(languages.Count >= 5, $"{sample}'s predictions cover {languages.Count} languages:\n{training}");

        string consumption = SampleApp.Run(sample, directory.Path, "predict", "model.zip");
        Assert.Equal(trainedPredictions, SampleApp.PredictionLines(consumption));
    }

    public void Dispose() => directory.Dispose();
}
