using System.Net;
using System.Text;
using Microsoft.ML.RemBert.Cli.Tasks;
using Microsoft.ML.RemBert.Cli.Training;
using ScottPlot;

namespace Microsoft.ML.RemBert.Cli.Reports;

/// <summary>
/// The report <c>rembert train</c> writes beside the model zip (<c>NAME.report.html</c>): one self-contained HTML page
/// (its PNG plots inlined) with the run's settings, the training loss per step, the validation metric per epoch, the
/// final metrics and, for classification, the confusion matrix. Plots are drawn by ScottPlot.
/// </summary>
internal static class TrainingReport
{
    private const int Width = 800, Height = 400;

    /// <summary>The report's path for a model zip: <c>model.zip</c> → <c>model.report.html</c>.</summary>
    public static string PathFor(string modelZip) =>
        Path.Combine(Path.GetDirectoryName(Path.GetFullPath(modelZip))!, Path.GetFileNameWithoutExtension(modelZip) + ".report.html");

    /// <summary>The page's bytes (UTF-8 HTML).</summary>
    public static byte[] Render(string task, IReadOnlyList<(string Name, string Value)> settings, TrainingHistory history,
        TaskMetrics metrics, string metricsSource)
    {
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>rembert train ").Append(Encode(task)).Append("</title>")
            .Append("<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:4px 8px;text-align:right}</style>")
            .Append("</head><body>\n<h1>rembert train ").Append(Encode(task)).Append("</h1>\n");
        AppendTable(html, "Settings", ["setting", "value"], settings.Select(s => new[] { s.Name, s.Value }));
        html.Append("<h2>Training loss</h2>\n");
        AppendImage(html, LossPlot(history));
        if (history.Validations.Count > 0)
        {
            html.Append("<h2>Validation ").Append(Encode(history.Validations[0].ValidationMetricName ?? "metric")).Append(" per validation</h2>\n");
            AppendImage(html, ValidationPlot(history));
        }
        AppendTable(html, $"Metrics ({metricsSource})", ["metric", "value"], metrics.Values.Select(v => new[] { v.Name, v.Value.ToString("G5") }));
        if (metrics.Confusion is { } confusion)
        {
            html.Append("<h2>Confusion matrix (").Append(Encode(metricsSource)).Append(")</h2>\n");
            AppendImage(html, ConfusionPlot(confusion));
        }
        html.Append("</body></html>\n");
        return Encoding.UTF8.GetBytes(html.ToString());
    }

    private static byte[] LossPlot(TrainingHistory history)
    {
        var plot = new Plot();
        var steps = history.Steps;
        plot.Add.Scatter(steps.Select(s => (double)s.Step).ToArray(), steps.Select(s => s.Loss).ToArray());
        plot.Title("Training loss per optimizer step");
        plot.XLabel("step");
        plot.YLabel("loss");
        return plot.GetImageBytes(Width, Height, ImageFormat.Png);
    }

    private static byte[] ValidationPlot(TrainingHistory history)
    {
        var plot = new Plot();
        // Against the optimizer step: validations come after each epoch or every --evaluation-steps steps.
        var validations = history.Validations;
        plot.Add.Scatter(validations.Select(v => (double)v.Step).ToArray(), validations.Select(v => v.ValidationMetric!.Value).ToArray());
        plot.Title($"Validation {validations[0].ValidationMetricName} per validation");
        plot.XLabel("step");
        plot.YLabel(validations[0].ValidationMetricName ?? "metric");
        return plot.GetImageBytes(Width, Height, ImageFormat.Png);
    }

    /// <summary>Cells as shaded rectangles with their counts; actual classes top to bottom, predicted left to right.</summary>
    private static byte[] ConfusionPlot(ConfusionTable confusion)
    {
        var plot = new Plot();
        int n = confusion.Classes.Count;
        double max = Math.Max(1, confusion.Counts.SelectMany(row => row).DefaultIfEmpty(0).Max());
        for (int actual = 0; actual < n; actual++)
        {
            for (int predicted = 0; predicted < n; predicted++)
            {
                double count = confusion.Counts[actual][predicted], y = n - 1 - actual;
                var cell = plot.Add.Rectangle(predicted - 0.5, predicted + 0.5, y - 0.5, y + 0.5);
                cell.FillColor = Colors.SteelBlue.WithAlpha(count / max);
                cell.LineColor = Colors.Gray;
                var label = plot.Add.Text(count.ToString("G6"), predicted, y);
                label.LabelAlignment = Alignment.MiddleCenter;
                label.LabelFontSize = 14;
            }
        }
        double[] positions = Enumerable.Range(0, n).Select(i => (double)i).ToArray();
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(positions, confusion.Classes.ToArray());
        plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericManual(positions, confusion.Classes.Reverse().ToArray());
        plot.Title("Confusion matrix");
        plot.XLabel("predicted");
        plot.YLabel("actual");
        plot.Axes.SetLimits(-0.5, n - 0.5, -0.5, n - 0.5);
        int side = Math.Clamp(120 + 60 * n, 300, 1200);
        return plot.GetImageBytes(side, side, ImageFormat.Png);
    }

    private static void AppendImage(StringBuilder html, byte[] png) =>
        html.Append("<p><img alt=\"plot\" src=\"data:image/png;base64,").Append(Convert.ToBase64String(png)).Append("\"></p>\n");

    private static void AppendTable(StringBuilder html, string title, string[] header, IEnumerable<string[]> rows)
    {
        html.Append("<h2>").Append(Encode(title)).Append("</h2>\n<table><tr>");
        foreach (var name in header) html.Append("<th>").Append(Encode(name)).Append("</th>");
        html.Append("</tr>\n");
        foreach (var row in rows)
        {
            html.Append("<tr>");
            foreach (var cell in row) html.Append("<td>").Append(Encode(cell)).Append("</td>");
            html.Append("</tr>\n");
        }
        html.Append("</table>\n");
    }

    private static string Encode(string text) => WebUtility.HtmlEncode(text);
}
