using Microsoft.ML.RemBert.Tests.Infrastructure;
using Xunit;

namespace Microsoft.ML.RemBert.Tests.Samples;

/// <summary>
/// The main job's own arguments (samples/MLNetPipelines/TextClassification): texts to predict from a saved zip in a
/// new process, and bad arguments. <see cref="SampleAppTests"/> runs it end to end.
/// </summary>
[Trait("Category", "Slow")] // child-process runs of minutes: left out of the fast command (docs/testing.md)
public sealed class TextClassificationSampleTests : IDisposable
{
    private const string Sample = "TextClassification";
    private readonly TemporaryDirectory directory = new();

    [SkippableFact]
    public void PredictsGivenTextsFromASavedZip()
    {
        DefaultModelWeights.SkipIfMissing();
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

    [Fact]
    public void AMissingZipExitsWith1NamingIt()
    {
        var result = DotnetProcess.Run([SampleApp.Assembly(Sample), "predict", "no-such-model.zip", "hello"], TimeSpan.FromMinutes(1), directory.Path);
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("no-such-model.zip", result.StandardError);
    }

    public void Dispose() => directory.Dispose();
}
