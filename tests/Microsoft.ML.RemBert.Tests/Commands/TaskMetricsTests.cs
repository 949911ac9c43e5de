using Microsoft.ML.RemBert.Cli.Tasks;
using Xunit;

namespace Microsoft.ML.RemBert.Tests.Commands;

/// <summary>The metrics <c>rembert evaluate</c> computes itself, against hand-worked values.</summary>
public sealed class TaskMetricsTests
{
    [Fact]
    public void MacroF1IsTheMeanOfPerClassF1FromTheConfusionMatrix()
    {
        // Rows actual, columns predicted. Class a: P 5/7, R 5/6 → F1 10/13; b: P 3/5, R 3/5 → 3/5; c: P 0/0, R 0/1 → 0.
        double[][] counts = [[5, 1, 0], [2, 3, 0], [0, 1, 0]];
        double expected = (10.0 / 13 + 3.0 / 5 + 0) / 3;

        Assert.Equal(expected, TextClassificationTask.MacroF1(counts), 12);
    }

    [Fact]
    public void PearsonMatchesAHandWorkedCorrelation()
    {
        // x = 1,2,3,4 and y = 2,4,5,4: covariance sum 3.5, variance sums 5 and 4.75 → 3.5 / sqrt(23.75).
        Assert.Equal(3.5 / Math.Sqrt(23.75), RegressionTask.Pearson([1, 2, 3, 4], [2, 4, 5, 4]), 6);
        Assert.Equal(-1, RegressionTask.Pearson([1, 2, 3], [3, 2, 1]), 6);
    }

    [Fact]
    public void JsonHoldsTheMetricsAndTheConfusionMatrix()
    {
        var metrics = new TaskMetrics("text-classification", [("accuracy", 0.75), ("log-loss", double.NaN)])
        {
            Confusion = new ConfusionTable(["météo", "音楽"], [[2, 1], [0, 1]]),
        };

        Assert.Contains("\"音楽\"", MetricsWriter.Json(metrics)); // as itself, not \u-escaped
        using var json = System.Text.Json.JsonDocument.Parse(MetricsWriter.Json(metrics));
        Assert.Equal(0.75, json.RootElement.GetProperty("metrics").GetProperty("accuracy").GetDouble());
        Assert.Equal("NaN", json.RootElement.GetProperty("metrics").GetProperty("log-loss").GetString());
        Assert.Equal("音楽", json.RootElement.GetProperty("confusionMatrix").GetProperty("classes")[1].GetString());
        Assert.Equal(1, json.RootElement.GetProperty("confusionMatrix").GetProperty("counts")[0][1].GetDouble());
        var row = MetricsWriter.Text(metrics).Split('\n').Single(line => line.StartsWith("météo", StringComparison.Ordinal));
        Assert.Equal(["météo", "2", "1"], row.Split(' ', StringSplitOptions.RemoveEmptyEntries));
    }
}
