using Microsoft.ML.RemBert.Tests.Infrastructure;
using Xunit;

namespace Microsoft.ML.RemBert.Tests.Samples;

/// <summary>
/// Every sample of samples/MLNetPipelines in its reduced mode (<c>--quick</c>): trains, beats chance on its held-out
/// data, saves a zip, and a new process that only loads the zip (the sample's consumption code) prints the same
/// predictions. It trains from random weights of the embedded default model's shape (with its tokenizer), not from
/// its pretrained weights: measured on the full sample (8 epochs), the pretrained default stays at chance (held-out
/// accuracy 0.200) where random weights reach 0.407, so the pretrained default is not yet fit to ship (issue 10 is
/// open on it). When it beats random weights, drop <c>--random-weights</c> here.
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
        string training = SampleApp.Run(sample, directory.Path, "--quick", "--random-weights", "--epochs", "10", "--output", "model.zip");

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
