using Microsoft.ML.RemBert.Cli;
using Microsoft.ML.RemBert.Tests.Infrastructure;
using Microsoft.ML.RemBert.Tests.MLNet;
using Microsoft.ML.RemBert.Tests.MLNet.Trainers;
using Microsoft.ML.RemBert.Tests.MLNet.Trainers.MultiLabel;
using Xunit;
using static Microsoft.ML.RemBert.Tests.Commands.CliOutput;

namespace Microsoft.ML.RemBert.Tests.Commands;

/// <summary>
/// <c>rembert train/evaluate/predict multi-label</c> in child processes on a TSV with the labels joined by ',' (an empty
/// field for a row without label): the commands agree with each other (evaluate's subset accuracy is the share of
/// predict's label sets equal to the file's), and a malformed label list is refused naming the line.
/// </summary>
[Collection(TrainingCollection.Name)]
public sealed class MultiLabelCommandTests : IDisposable
{
    private static readonly string[] Small = ["--epochs", "2", "--batch-size", "8", "--learning-rate", "1e-3", "--max-length", "24", "--seed", "1", "--device", "cpu"];
    private readonly TemporaryDirectory directory = new();

    public void Dispose() => directory.Dispose();

    [SkippableFact]
    [Trait("Category", "Slow")]
    public void TrainsEvaluatesAndPredictsConsistently()
    {
        string train = Write("train.tsv", MultiLabelData.Rows(48, seed: 1));
        string valid = Write("valid.tsv", MultiLabelData.Rows(24, seed: 2));
        Assert.Contains("\n\t", File.ReadAllText(valid)); // some rows have no label
        string zip = directory.File("labels.zip");

        var trained = RembertCli.Run(["train", "multi-label", "--model", KeywordData.BaseCheckpoint, "--train", train, "--valid", valid, "--output", zip, .. Small]);
        AssertSucceeded(trained);
        Assert.Contains("validation MacroF1", trained.StandardOutput);

        var evaluated = RembertCli.Run("evaluate", "--model", zip, "--data", valid, "--json");
        AssertSucceeded(evaluated);
        var json = Json(evaluated.StandardOutput);
        Assert.Equal("multi-label", json.GetProperty("task").GetString());
        var metrics = json.GetProperty("metrics");
        foreach (var name in new[] { "macro-F1", "micro-F1", "subset accuracy", "Hamming loss" })
            Assert.InRange(metrics.GetProperty(name).GetDouble(), 0, 1);
        Assert.Equal(["alarm", "music", "weather"], json.GetProperty("labels").EnumerateObject().Select(label => label.Name));

        var predicted = RembertCli.Run("predict", "--model", zip, "--input", valid);
        AssertSucceeded(predicted);
        var predictions = predicted.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => Json(line).GetProperty("PredictedLabels").EnumerateArray().Select(label => label.GetString()!).ToHashSet()).ToList();
        var labels = File.ReadLines(valid).Skip(1).Select(line => line.Split('\t')[0].Split(',', StringSplitOptions.RemoveEmptyEntries).ToHashSet()).ToList();
        Assert.Equal(labels.Count, predictions.Count);
        Assert.Equal(metrics.GetProperty("subset accuracy").GetDouble(), labels.Zip(predictions).Count(pair => pair.First.SetEquals(pair.Second)) / (double)labels.Count, 6);

        // A file without a Label column predicts too (the model needs only the text).
        string unlabelled = directory.File("unlabelled.tsv");
        File.WriteAllLines(unlabelled, ["Sentence1", "погода и музыка", "目覚まし お願い"]);
        var plain = RembertCli.Run("predict", "--model", zip, "--input", unlabelled);
        AssertSucceeded(plain);
        Assert.Equal(2, plain.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
    }

    [SkippableFact]
    public void AnEmptyLabelBetweenCommasIsRefusedNamingTheLine()
    {
        string train = directory.File("bad.tsv");
        File.WriteAllLines(train, ["Label\tSentence1", "weather\tweather now", "music,,alarm\tmusic and alarm"]);
        var result = RembertCli.Run(["train", "multi-label", "--model", KeywordData.BaseCheckpoint, "--train", train, "--output", directory.File("bad.zip"), .. Small]);
        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("line 3, column 'Label': 'music,,alarm' is a label list with an empty label", result.StandardError);
    }

    private string Write(string name, IEnumerable<MultiLabelData.Row> rows)
    {
        string path = directory.File(name);
        File.WriteAllLines(path, rows.Select(row => $"{string.Join(',', row.Label)}\t{row.Sentence1}").Prepend("Label\tSentence1"));
        return path;
    }
}
