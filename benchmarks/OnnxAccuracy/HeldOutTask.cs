using Microsoft.ML;
using Microsoft.ML.RemBert.Onnx;

namespace OnnxAccuracy;

/// <summary>
/// One sample task fine-tuned from the embedded default model the way its sample does it, saved as an ML.NET zip and
/// reloaded from it: the reloaded zip is the reference every ONNX export is compared with.
/// </summary>
internal abstract class HeldOutTask : IDisposable
{
    /// <summary>The task's name in the table.</summary>
    public abstract string Name { get; }

    /// <summary>The task metric's name (accuracy, entity F1, SQuAD F1).</summary>
    public abstract string MetricName { get; }

    /// <summary>What one predicted label is: "rows" or "words".</summary>
    public abstract string Unit { get; }

    /// <summary>Held-out rows scored.</summary>
    public abstract int HeldOutRows { get; }

    /// <summary>The columns the export's graph takes as inputs (ConvertToOnnx makes every column of this view one).</summary>
    public abstract IDataView ExportSchema { get; }

    /// <summary>The held-out data scored by the reloaded ML.NET zip.</summary>
    public abstract EnginePredictions ScoreWithZip();

    /// <summary>The held-out data scored by ONNX Runtime on the exported graph at <paramref name="onnxPath"/>, as one batch.</summary>
    public abstract EnginePredictions ScoreWithOnnxRuntime(string onnxPath);

    /// <summary>What <c>ConvertToOnnx</c> is given to export the model with <paramref name="options"/>.</summary>
    public abstract ITransformer ForOnnxExport(RemBertOnnxExportOptions options);

    /// <summary>The task metric, in percent, of <paramref name="labels"/> (in <see cref="EnginePredictions.Labels"/>' order) against the held-out truth.</summary>
    public abstract double Metric(IReadOnlyList<string> labels);

    /// <summary>Disposes the reloaded model.</summary>
    public abstract void Dispose();
}
