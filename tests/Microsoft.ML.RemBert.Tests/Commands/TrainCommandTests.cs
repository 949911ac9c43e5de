using Microsoft.ML.RemBert.MLNet.Scoring;
using Microsoft.ML.RemBert.Trainers;
using Microsoft.ML;
using System.Text.Json;
using static Microsoft.ML.RemBert.Tests.Commands.CliOutput;
using Microsoft.ML.RemBert.Cli;
using Microsoft.ML.RemBert.Tests.Infrastructure;
using Microsoft.ML.RemBert.Tests.MLNet;
using Microsoft.ML.RemBert.Tests.MLNet.Trainers;
using Xunit;

namespace Microsoft.ML.RemBert.Tests.Commands;

/// <summary>
/// <c>rembert train</c>, <c>evaluate</c> and <c>predict</c> as a user runs them, in a child process, on tiny multilingual
/// files and the tiny reference checkpoint: each command's output agrees with the others' (the accuracy evaluate prints is
/// the share of predict's labels that are right), and the report holds its plots.
/// </summary>
[Collection(TrainingCollection.Name)]
[Trait("Category", "Slow")] // each test trains in child processes: tens of seconds
public sealed class TrainCommandTests : IDisposable
{
    private static readonly string[] Small = ["--epochs", "2", "--batch-size", "8", "--learning-rate", "1e-3", "--max-length", "24", "--seed", "1", "--device", "cpu"];
    private readonly TemporaryDirectory directory = new();

    public void Dispose() => directory.Dispose();

    [SkippableFact]
    public void TextClassificationTrainsEvaluatesAndPredictsConsistently()
    {
        string checkpoint = KeywordData.BaseCheckpoint;
        string train = CliTaskData.Intents(directory.File("train.tsv"), 48, seed: 1);
        string valid = CliTaskData.Intents(directory.File("valid.tsv"), 24, seed: 2);
        string zip = directory.File("intents.zip");

        var trained = RembertCli.Run(["train", "text-classification", "--model", checkpoint, "--train", train, "--valid", valid, "--output", zip, .. Small]);
        AssertSucceeded(trained);
        Assert.Contains("epoch 2/2: validation MicroAccuracy", trained.StandardOutput); // plain progress lines: stdout is redirected
        Assert.Contains("Metrics on the validation data valid.tsv:", trained.StandardOutput);
        string report = File.ReadAllText(directory.File("intents.report.html"));
        Assert.Equal(3, report.Split("data:image/png;base64,").Length - 1); // loss, validation per epoch, confusion matrix
        Assert.Contains("Confusion matrix", report);

        var evaluated = RembertCli.Run("evaluate", "--model", zip, "--data", valid, "--json");
        AssertSucceeded(evaluated);
        var metrics = Json(evaluated.StandardOutput);
        Assert.Equal("text-classification", metrics.GetProperty("task").GetString());
        double accuracy = metrics.GetProperty("metrics").GetProperty("accuracy").GetDouble();
        var classes = metrics.GetProperty("confusionMatrix").GetProperty("classes").EnumerateArray().Select(c => c.GetString()).ToHashSet();
        Assert.Equal(["alarm", "music", "weather"], classes.Order());
        Assert.Equal(24, metrics.GetProperty("confusionMatrix").GetProperty("counts").EnumerateArray().SelectMany(row => row.EnumerateArray()).Sum(c => c.GetDouble()));
        Assert.Contains("macro-F1", RembertCli.Run("evaluate", "--model", zip, "--data", valid).StandardOutput);

        // predict without --output writes JSON lines to stdout, one per input row, in input order.
        var predicted = RembertCli.Run("predict", "--model", zip, "--input", valid);
        AssertSucceeded(predicted);
        var labels = File.ReadLines(valid).Skip(1).Select(line => line.Split('\t')[0]).ToList();
        var predictions = predicted.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => Json(line).GetProperty("PredictedLabel").GetString()).ToList();
        Assert.Equal(labels.Count, predictions.Count);
        Assert.All(predictions, label => Assert.Contains(label, classes));
        Assert.Equal(accuracy, labels.Zip(predictions).Count(pair => pair.First == pair.Second) / (double)labels.Count, 6);

        // ... and reads JSON lines from stdin without --input.
        var piped = DotnetProcess.RunShell(
            $"printf '{{\"Sentence1\":\"погода сейчас\"}}\\n{{\"Sentence1\":\"音楽 お願い\"}}\\n' | \"$DOTNET\" '{RembertCli.FindAssembly()}' predict --model '{zip}'",
            TimeSpan.FromMinutes(2));
        AssertSucceeded(piped);
        Assert.Equal(2, piped.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
    }

    [SkippableFact]
    public void BinaryAndPairRegressionTrainAndEvaluateWithTheirMetrics()
    {
        string checkpoint = KeywordData.BaseCheckpoint;
        string flags = CliTaskData.WeatherOrNot(directory.File("weather.tsv"), 32, seed: 3);
        string binaryZip = directory.File("binary.zip");
        var binary = RembertCli.Run(["train", "binary", "--model", checkpoint, "--train", flags, "--output", binaryZip, .. Small]);
        AssertSucceeded(binary);
        Assert.Contains("Metrics on the training data weather.tsv:", binary.StandardOutput);
        var binaryMetrics = Json(RembertCli.Run("evaluate", "--model", binaryZip, "--data", flags, "--json").StandardOutput).GetProperty("metrics");
        foreach (var name in new[] { "AUC", "F1", "accuracy" })
            Assert.InRange(binaryMetrics.GetProperty(name).GetDouble(), 0, 1);

        string pairs = CliTaskData.Overlaps(directory.File("pairs.tsv"), 32, seed: 4);
        string regressionZip = directory.File("regression.zip");
        AssertSucceeded(RembertCli.Run(["train", "regression", "--model", checkpoint, "--train", pairs, "--output", regressionZip, .. Small]));
        var regression = Json(RembertCli.Run("evaluate", "--model", regressionZip, "--data", pairs, "--json").StandardOutput);
        Assert.Equal("regression", regression.GetProperty("task").GetString());
        Assert.True(regression.GetProperty("metrics").GetProperty("RMSE").GetDouble() >= 0);
        Assert.InRange(regression.GetProperty("metrics").GetProperty("Pearson").GetDouble(), -1, 1);
        Assert.True(regression.GetProperty("metrics").TryGetProperty("R²", out _));
        string report = File.ReadAllText(directory.File("regression.report.html"));
        Assert.Contains("Training loss", report);
        Assert.DoesNotContain("Confusion matrix", report); // regression has none
    }

    [SkippableFact]
    public void PrecisionOptionsTrainInMixedPrecisionAndSaveABFloat16Model()
    {
        string flags = CliTaskData.WeatherOrNot(directory.File("weather.tsv"), 16, seed: 5);
        string zip = directory.File("bf16.zip");
        var trained = RembertCli.Run(["train", "binary", "--model", KeywordData.BaseCheckpoint, "--train", flags, "--output", zip,
            "--precision", "bfloat16", "--inference-precision", "bfloat16", .. Small]);
        AssertSucceeded(trained);
        Assert.Contains("BFloat16 training, BFloat16 model", File.ReadAllText(directory.File("bf16.report.html")));

        var loaded = (IEnumerable<ITransformer>)new MLContext().Model.Load(zip, out _);
        var scoring = Assert.Single(loaded.OfType<RemBertScoringTransformer>());
        Assert.All(scoring.ScoringTask.ScoredModel!.parameters(), parameter => Assert.Equal(TorchSharp.torch.ScalarType.BFloat16, parameter.dtype));
        scoring.Dispose();
    }
}
