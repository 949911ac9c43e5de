using Microsoft.ML.RemBert.Modeling;
using static TorchSharp.torch;

namespace Microsoft.ML.RemBert.MLNet.Training;

/// <summary>One training example of any task: its token count, by which batches are grouped, and its weight in the loss.</summary>
internal interface ITrainingExample
{
    /// <summary>Tokens in the example's longest sequence (for multiple choice: its longest choice).</summary>
    int Length { get; }

    /// <summary>
    /// The example's weight in the loss (ExampleWeightColumnName; finite, at least 0): a task's loss is the weighted
    /// mean over its batch, and the loop weights each batch by its share of the step's total weight. 1 by default.
    /// </summary>
    float Weight => 1f;
}

/// <summary>
/// What a task (sequence classification, regression, token classification, question answering, multiple choice)
/// adds to the one training loop (<see cref="TrainingLoop"/>): how a batch of its examples becomes a loss, and how
/// a validation set is scored. Reading rows into examples (one row may give several, e.g. windows over a long
/// document), the head and the output columns belong to the task's trainer.
/// </summary>
/// <typeparam name="TExample">The task's example: encodings, labels, whatever its collation needs.</typeparam>
internal interface ITrainingTask<TExample> where TExample : ITrainingExample
{
    /// <summary>
    /// The validation metrics <see cref="Evaluate"/> computes, each with its direction; the first is the default
    /// <see cref="Microsoft.ML.RemBert.Trainers.RemBertTrainerOptions.BestModelMetric"/>. Fixed for the task (known before the model loads).
    /// </summary>
    IReadOnlyList<TrainingMetric> Metrics { get; }

    /// <summary>
    /// The mean loss of <paramref name="batch"/>, weighted by the examples' <see cref="ITrainingExample.Weight"/>
    /// (Σ wᵢ·lossᵢ / Σ wᵢ; never called for a batch whose weights are all 0), as a scalar tensor with a graph to
    /// backpropagate through: collate the examples (dynamic padding: to the batch's own longest), run
    /// <paramref name="model"/>, apply the task's loss. Called inside a dispose scope, in training mode.
    /// </summary>
    Tensor ComputeLoss(RemBertPreTrainedModel model, IReadOnlyList<TExample> batch, Device device);

    /// <summary>
    /// Every metric of <see cref="Metrics"/>, by name, of <paramref name="model"/> (in eval mode, under no_grad) over
    /// the examples of <paramref name="batches"/>, in one pass. Each batch's tensors are the task's to dispose (a
    /// dispose scope per batch).
    /// </summary>
    IReadOnlyDictionary<string, double> Evaluate(RemBertPreTrainedModel model, IEnumerable<IReadOnlyList<TExample>> batches, Device device);
}
