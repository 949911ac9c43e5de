using Microsoft.ML.Data;
using MLNetPipelines.Common;

namespace MLNetPipelines.NamedEntityRecognition;

/// <summary>
/// The entity tagger as a production app uses it: loads the saved ML.NET zip once, on the first prediction, and
/// predicts from any number of threads (one PredictionEngine per thread, see <see cref="PerThreadPredictionEngine{TInput, TOutput}"/>).
/// </summary>
public sealed partial class EntityModel : IDisposable
{
    /// <summary>One sentence: its words and, in the data files, one IOB2 tag per word.</summary>
    public sealed class ModelInput
    {
        /// <summary>
        /// The sentence's words. Given as words rather than text, so Japanese and Chinese (written without spaces)
        /// are tagged word by word too.
        /// </summary>
        [ColumnName("Words")]
        public string[] Words { get; set; } = [];

        /// <summary>One tag per word (B-PER, I-PER, B-LOC, I-LOC, O); empty when predicting.</summary>
        [ColumnName("Tags")]
        public string[] Tags { get; set; } = [];
    }

    /// <summary>What the model predicts for a sentence.</summary>
    public sealed class ModelOutput
    {
        /// <summary>One predicted tag per word.</summary>
        [ColumnName("PredictedTags")]
        public string[] PredictedTags { get; set; } = [];

        /// <summary>The probability of each word's predicted tag.</summary>
        [ColumnName("Score")]
        public float[] Score { get; set; } = [];
    }

    private readonly PerThreadPredictionEngine<ModelInput, ModelOutput> engine;

    /// <summary>A tagger over the zip at <paramref name="modelPath"/>; nothing is read until the first prediction.</summary>
    public EntityModel(string modelPath) => engine = new PerThreadPredictionEngine<ModelInput, ModelOutput>(modelPath);

    /// <summary>Tags the words of one sentence; safe to call from several threads at once.</summary>
    public ModelOutput Predict(ModelInput input) => engine.Predict(input);

    /// <summary>Disposes the engines and the loaded model.</summary>
    public void Dispose() => engine.Dispose();
}
