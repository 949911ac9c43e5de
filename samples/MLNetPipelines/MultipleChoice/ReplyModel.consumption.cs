using Microsoft.ML.Data;
using MLNetPipelines.Common;

namespace MLNetPipelines.MultipleChoice;

/// <summary>
/// The reply picker as a production app uses it: loads the saved ML.NET zip once, on the first prediction, and
/// predicts from any number of threads (one PredictionEngine per thread, see <see cref="PerThreadPredictionEngine{TInput, TOutput}"/>).
/// </summary>
public sealed partial class ReplyModel : IDisposable
{
    /// <summary>A request and candidate replies; in the data files, with the index of the right reply.</summary>
    public sealed class ModelInput
    {
        /// <summary>The user's request.</summary>
        [ColumnName("Prompt")]
        public string Prompt { get; set; } = "";

        /// <summary>The candidate replies (four in the data files).</summary>
        [ColumnName("Choices")]
        public string[] Choices { get; set; } = [];

        /// <summary>The index of the reply that answers the request; not read when predicting.</summary>
        [ColumnName("Label")]
        public uint Label { get; set; }

        /// <summary>The request's language (ISO 639-1); not a feature.</summary>
        [ColumnName("Language")]
        public string Language { get; set; } = "";
    }

    /// <summary>What the model picks.</summary>
    public sealed class ModelOutput
    {
        /// <summary>The index of the chosen reply.</summary>
        [ColumnName("PredictedChoice")]
        public uint PredictedChoice { get; set; }

        /// <summary>The probability of each choice, in choice order.</summary>
        [ColumnName("Score")]
        public float[] Score { get; set; } = [];
    }

    private readonly PerThreadPredictionEngine<ModelInput, ModelOutput> engine;

    /// <summary>A picker over the zip at <paramref name="modelPath"/>; nothing is read until the first prediction.</summary>
    public ReplyModel(string modelPath) => engine = new PerThreadPredictionEngine<ModelInput, ModelOutput>(modelPath);

    /// <summary>Picks the reply to one request; safe to call from several threads at once.</summary>
    public ModelOutput Predict(ModelInput input) => engine.Predict(input);

    /// <summary>Disposes the engines and the loaded model.</summary>
    public void Dispose() => engine.Dispose();
}
