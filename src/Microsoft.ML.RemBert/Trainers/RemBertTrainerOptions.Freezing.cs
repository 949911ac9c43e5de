namespace Microsoft.ML.RemBert.Trainers;

/// <summary>The options that train only part of the model: LoRA adapters and frozen layers (docs/lora.md).</summary>
public abstract partial class RemBertTrainerOptions
{
    /// <summary>
    /// When set, the encoder is frozen and trained through low-rank adapters (LoRA) merged into its weights when
    /// training ends; the head and the pooler train fully. Null (the default): every weight trains (unless frozen below).
    /// LoRA usually needs a higher <see cref="LearningRate"/> than a full fine-tune (e.g. 5e-4 to 1e-3).
    /// </summary>
    public RemBertLoraOptions? Lora { get; set; }

    /// <summary>
    /// Freezes the embeddings (<c>rembert.embeddings</c>: word, position and token-type tables and their LayerNorm): they
    /// get no gradient and no optimizer state, which for RemBERT's 250,300-piece table saves about 770 MB with AdamW.
    /// </summary>
    public bool FreezeEmbeddings { get; set; }

    /// <summary>
    /// Only the top N encoder layers train (with <see cref="Lora"/>: only they get adapters); the embeddings, the
    /// embedding projection and the lower layers are frozen, and since nothing below them trains, autograd keeps no
    /// activations for them. 0 trains the head and pooler alone. Null (the default): every layer trains.
    /// More than the model's layer count is an error naming both.
    /// </summary>
    public int? TrainableLayers { get; set; }

    /// <summary>Checks <see cref="Lora"/> and <see cref="TrainableLayers"/> (the layer count is checked once the model is loaded).</summary>
    private protected void ValidateFreezing()
    {
        Lora?.Validate();
        if (TrainableLayers is < 0)
            throw OutOfRange(nameof(TrainableLayers), TrainableLayers, "at least 0 (or null: every layer)");
    }
}
