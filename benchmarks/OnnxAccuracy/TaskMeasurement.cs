using Microsoft.ML;
using Microsoft.ML.RemBert.Onnx;

namespace OnnxAccuracy;

/// <summary>How one ONNX export of a task did against the zip.</summary>
/// <param name="Metric">The task metric of its predictions (percent).</param>
/// <param name="Agreeing">Units (rows or words) where it predicts the zip's label.</param>
/// <param name="MaxScoreDifference">The largest |score difference| from the zip.</param>
/// <param name="MeanScoreDifference">The mean |score difference| from the zip.</param>
/// <param name="FileBytes">The export's size on disk.</param>
internal sealed record ExportResult(double Metric, int Agreeing, double MaxScoreDifference, double MeanScoreDifference, long FileBytes);

/// <summary>One task measured: the zip's metric and each export's.</summary>
/// <param name="Task">The task's name.</param>
/// <param name="MetricName">accuracy, entity F1, SQuAD F1.</param>
/// <param name="HeldOutRows">Held-out rows scored.</param>
/// <param name="Units">Units labels are compared on (rows, or words for named entities).</param>
/// <param name="Unit">"rows" or "words".</param>
/// <param name="ZipMetric">The reloaded zip's metric (percent).</param>
/// <param name="Fp32">ONNX Runtime on the float32 export.</param>
/// <param name="Int8">ONNX Runtime on the int8 export.</param>
internal sealed record TaskMeasurement(string Task, string MetricName, int HeldOutRows, int Units, string Unit, double ZipMetric, ExportResult Fp32, ExportResult Int8)
{
    /// <summary>
    /// Scores <paramref name="task"/>'s held-out data with the zip, exports the model fp32 and int8 into
    /// <paramref name="directory"/> (atomically), scores the same data with ONNX Runtime on each and compares.
    /// </summary>
    public static TaskMeasurement Of(HeldOutTask task, MLContext mlContext, string directory, string fileStem)
    {
        var zip = task.ScoreWithZip();
        ExportResult Export(string name, RemBertOnnxExportOptions options)
        {
            string path = Path.Combine(directory, $"{fileStem}.{name}.onnx");
            mlContext.Model.SaveAtomically(path, stream => mlContext.Model.ConvertToOnnx(task.ForOnnxExport(options), task.ExportSchema, stream));
            var onnx = task.ScoreWithOnnxRuntime(path);
            return new ExportResult(task.Metric(onnx.Labels), zip.AgreeingUnits(onnx), zip.MaxScoreDifference(onnx), zip.MeanScoreDifference(onnx), new FileInfo(path).Length);
        }
        var fp32 = Export("fp32", new RemBertOnnxExportOptions());
        var int8 = Export("int8", new RemBertOnnxExportOptions { QuantizeInt8 = true });
        return new TaskMeasurement(task.Name, task.MetricName, task.HeldOutRows, zip.Labels.Count, task.Unit, task.Metric(zip.Labels), fp32, int8);
    }
}
