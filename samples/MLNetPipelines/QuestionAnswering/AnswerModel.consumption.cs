using Microsoft.ML.Data;
using MLNetPipelines.Common;

namespace MLNetPipelines.QuestionAnswering;

/// <summary>
/// The question answerer as a production app uses it: loads the saved ML.NET zip once, on the first prediction, and
/// predicts from any number of threads (one PredictionEngine per thread, see <see cref="PerThreadPredictionEngine{TInput, TOutput}"/>).
/// </summary>
public sealed partial class AnswerModel : IDisposable
{
    /// <summary>A question about a context; in the data files, with its answer.</summary>
    public sealed class ModelInput
    {
        /// <summary>The passage the answer is taken from.</summary>
        [ColumnName("Context")]
        public string Context { get; set; } = "";

        /// <summary>The question.</summary>
        [ColumnName("Question")]
        public string Question { get; set; } = "";

        /// <summary>Training and evaluation only: the answer as it appears in the context; empty when the context does not answer.</summary>
        [ColumnName("TrainingAnswer")]
        public string TrainingAnswer { get; set; } = "";

        /// <summary>Training only: the answer's character start in the context; -1 when the context does not answer.</summary>
        [ColumnName("AnswerIndex")]
        public int AnswerIndex { get; set; } = -1;
    }

    /// <summary>What the model answers.</summary>
    public sealed class ModelOutput
    {
        /// <summary>The best answers, best first; an empty string means "the context does not say".</summary>
        [ColumnName("Answer")]
        public string[] Answer { get; set; } = [];

        /// <summary>The probability of each answer.</summary>
        [ColumnName("Score")]
        public float[] Score { get; set; } = [];
    }

    private readonly PerThreadPredictionEngine<ModelInput, ModelOutput> engine;

    /// <summary>An answerer over the zip at <paramref name="modelPath"/>; nothing is read until the first prediction.</summary>
    public AnswerModel(string modelPath) => engine = new PerThreadPredictionEngine<ModelInput, ModelOutput>(modelPath);

    /// <summary>Answers one question; safe to call from several threads at once.</summary>
    public ModelOutput Predict(ModelInput input) => engine.Predict(input);

    /// <summary>Disposes the engines and the loaded model.</summary>
    public void Dispose() => engine.Dispose();
}
