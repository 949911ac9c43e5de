using Microsoft.ML.Data;
using MLNetPipelines.Common;

namespace MLNetPipelines.TextClassification;

/// <summary>
/// The intent classifier as a production app uses it: loads the saved ML.NET zip once, on the first prediction, and
/// predicts from any number of threads (one PredictionEngine per thread, see <see cref="PerThreadPredictionEngine{TInput, TOutput}"/>).
/// </summary>
public sealed partial class IntentModel : IDisposable
{
    /// <summary>One row of the data files: <c>Label</c>, <c>Sentence1</c>, <c>Language</c> (tab-separated, with a header).</summary>
    public sealed class ModelInput
    {
        /// <summary>The intent: weather, alarm, music, restaurant or directions.</summary>
        [LoadColumn(0)]
        [ColumnName("Label")]
        public string Label { get; set; } = "";

        /// <summary>The user's request.</summary>
        [LoadColumn(1)]
        [ColumnName("Sentence1")]
        public string Sentence1 { get; set; } = "";

        /// <summary>The request's language (ISO 639-1); not a feature, only reported per language.</summary>
        [LoadColumn(2)]
        [ColumnName("Language")]
        public string Language { get; set; } = "";
    }

    /// <summary>What the model predicts for a row.</summary>
    public sealed class ModelOutput
    {
        /// <summary>The predicted intent.</summary>
        [ColumnName("PredictedLabel")]
        public string PredictedLabel { get; set; } = "";

        /// <summary>The probability of every intent, in the order of <see cref="IntentModel.Labels"/>.</summary>
        [ColumnName("Score")]
        public float[] Score { get; set; } = [];
    }

    private readonly PerThreadPredictionEngine<ModelInput, ModelOutput> engine;

    /// <summary>A classifier over the zip at <paramref name="modelPath"/>; nothing is read until the first prediction.</summary>
    public IntentModel(string modelPath) => engine = new PerThreadPredictionEngine<ModelInput, ModelOutput>(modelPath);

    /// <summary>Predicts the intent of one request; safe to call from several threads at once.</summary>
    public ModelOutput Predict(ModelInput input) => engine.Predict(input);

    /// <summary>The intent names, in the order of <see cref="ModelOutput.Score"/> (the Score column's slot names).</summary>
    public IReadOnlyList<string> Labels
    {
        get
        {
            VBuffer<ReadOnlyMemory<char>> names = default;
            engine.Engine.OutputSchema["Score"].GetSlotNames(ref names);
            return names.DenseValues().Select(name => name.ToString()).ToList();
        }
    }

    /// <summary>Disposes the engines and the loaded model.</summary>
    public void Dispose() => engine.Dispose();
}
