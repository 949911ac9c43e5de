using Microsoft.ML.RemBert.Tests.Infrastructure;
using Xunit;

namespace Microsoft.ML.RemBert.Tests.Samples;

/// <summary>
/// The main job (samples/MLNetPipelines/TextClassification) in its reduced mode: trains from the embedded default
/// model, beats chance on held-out requests, saves a zip, and a new process loads that zip and predicts the same.
/// </summary>
public sealed class TextClassificationSampleTests : IDisposable
{
    private const string Sample = "TextClassification";
    private const double Chance = 1.0 / 5; // five intents, balanced held-out file
    private readonly TemporaryDirectory directory = new();

    [Fact]
    public void QuickRunBeatsChanceSavesAndANewProcessPredictsTheSame()
    {
        string training = SampleApp.Run(Sample, directory.Path, "--quick", "--output", "intents.zip");

        double accuracy = SampleApp.Metric(training, "micro accuracy");
        Assert.True(accuracy >= Chance + 0.15, $"Held-out micro accuracy {accuracy:F3} is not clearly above chance {Chance:F3}:\n{training}");
        Assert.True(File.Exists(directory.File("intents.zip")), "The sample saved no zip.");
        var trainedPredictions = SampleApp.PredictionLines(training);
        var languages = trainedPredictions.Select(line => line.Substring(3, 2)).Distinct().ToList();
        Assert.True(languages.Count >= 5, $"Predictions cover {languages.Count} languages:\n{training}");

        string consumption = SampleApp.Run(Sample, directory.Path, "predict", "intents.zip");
        Assert.Equal(trainedPredictions, SampleApp.PredictionLines(consumption));
    }

    [Fact]
    public void PredictsGivenTextsFromASavedZip()
    {
        SampleApp.Run(Sample, directory.Path, "--quick", "--epochs", "1", "--output", "intents.zip");

        string output = SampleApp.Run(Sample, directory.Path, "predict", "intents.zip", "Wie wird das Wetter morgen?", "明日の朝7時に起こして。");

        var lines = SampleApp.PredictionLines(output);
        Assert.Equal(2, lines.Count);
        Assert.EndsWith("Wie wird das Wetter morgen?", lines[0]);
        Assert.All(lines, line => Assert.Matches(@"\] (weather|alarm|music|restaurant|directions) +p=", line));
    }

    [Fact]
    public void BadArgumentsExitWithUsage()
    {
        var result = DotnetProcess.Run([SampleApp.Assembly(Sample), "--epochs", "zero"], TimeSpan.FromMinutes(1), directory.Path);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--epochs is 'zero'", result.StandardError);
    }

    public void Dispose() => directory.Dispose();
}
