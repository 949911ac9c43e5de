namespace Microsoft.ML.RemBert.Trainers;

/// <summary>When a RemBERT trainer scores its <see cref="RemBertTrainerOptions.ValidationSet"/> (transformers' <c>eval_strategy</c>).</summary>
public enum EvaluationStrategy
{
    /// <summary>After every epoch.</summary>
    Epoch = 0,

    /// <summary>
    /// Every <see cref="RemBertTrainerOptions.EvaluationSteps"/> optimizer steps, and once more after the last step when
    /// it is not a multiple of them, so the final weights are always candidates.
    /// </summary>
    Steps = 1,
}
