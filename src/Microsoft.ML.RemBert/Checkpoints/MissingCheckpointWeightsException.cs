namespace Microsoft.ML.RemBert.Checkpoints;

/// <summary>
/// The checkpoint lacks weights of the base model (embeddings, encoder layers, or a pooler the model uses), so the
/// model would answer from random weights. Pass <see cref="CheckpointLoadOptions.AllowMissingBaseWeights"/> to load
/// it anyway (e.g. to train from a partial checkpoint).
/// </summary>
public sealed class MissingCheckpointWeightsException : IOException
{
    /// <summary>How many missing keys the message lists before it gives only the count.</summary>
    public const int ListedKeys = 5;

    /// <summary>Creates the exception for <paramref name="source"/> lacking <paramref name="missingKeys"/>.</summary>
    public MissingCheckpointWeightsException(string source, IReadOnlyList<string> missingKeys)
        : base($"Checkpoint '{source}' lacks {missingKeys.Count} weight(s) of the base model, so the model would answer from random weights: " +
               string.Join(", ", missingKeys.Take(ListedKeys)) +
               (missingKeys.Count > ListedKeys ? $" and {missingKeys.Count - ListedKeys} more" : "") +
               $". Set {nameof(CheckpointLoadOptions)}.{nameof(CheckpointLoadOptions.AllowMissingBaseWeights)} (rembert forward --allow-missing-weights) to load it anyway.")
    {
        Source = source;
        MissingKeys = missingKeys;
    }

    /// <summary>The weights file or index that was read.</summary>
    public new string Source { get; }

    /// <summary>Every missing base-model key, in the model's state-dict order.</summary>
    public IReadOnlyList<string> MissingKeys { get; }
}
