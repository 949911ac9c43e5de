using Microsoft.ML.RemBert.Checkpoints.Hub;
using Microsoft.ML.RemBert.MLNet.Embeddings;
using Microsoft.ML.RemBert.Modeling;

namespace Microsoft.ML.RemBert.Transforms;

/// <summary>
/// Options of <c>mlContext.Transforms.Text.RemBertEmbeddings</c>: which checkpoint's encoder embeds the texts and how
/// its token vectors are pooled into one <c>float[hidden_size]</c> per text. Checked when the estimator is fitted; an
/// invalid value is an <see cref="ArgumentException"/> naming the option.
/// </summary>
public sealed class RemBertEmbeddingsOptions
{
    /// <summary>
    /// Any RemBERT checkpoint (a directory or a Hub id; a head checkpoint's encoder is used without its head). Null: the
    /// embedded default model (the Microsoft.ML.RemBert.DefaultModel package, which the application must reference).
    /// </summary>
    public string? Model { get; set; }

    /// <summary>How a Hub id in <see cref="Model"/> is resolved; null: from the environment (HF_* variables).</summary>
    public RemBertHubOptions? Hub { get; set; }

    /// <summary>A SentencePiece <c>.model</c> file or a directory holding <c>sentencepiece.model</c>; null uses the checkpoint's own.</summary>
    public string? Tokenizer { get; set; }

    /// <summary>How token vectors become one vector; <see cref="RemBertPooling.Mean"/> by default.</summary>
    public RemBertPooling Pooling { get; set; } = RemBertPooling.Mean;

    /// <summary>Divides each vector by its L2 norm, so a dot product is the cosine similarity (true by default).</summary>
    public bool Normalize { get; set; } = true;

    /// <summary>Tokens per text, [CLS] and [SEP] included; longer texts are truncated. At most the model's max_position_embeddings.</summary>
    public int MaxSequenceLength { get; set; } = 128;

    /// <summary>Rows per forward pass.</summary>
    public int InferenceBatchSize { get; set; } = 32;

    /// <summary>"cpu", "cuda", "cuda:N", or null/"auto" for CUDA when available.</summary>
    public string? Device { get; set; }

    /// <summary>The precision the encoder is loaded, run and saved in; the pooling and normalisation are computed in float32.</summary>
    public RemBertPrecision Precision { get; set; } = RemBertPrecision.Float32;

    internal void Validate()
    {
        if (Model is not null && string.IsNullOrWhiteSpace(Model))
            throw new ArgumentException($"{nameof(Model)} is empty: give a checkpoint directory or Hub id, or null for the embedded default model.", nameof(Model));
        if (!Enum.IsDefined(Pooling))
            throw new ArgumentOutOfRangeException(nameof(Pooling), Pooling, $"{nameof(Pooling)} is {Pooling}; it must be Mean, Cls or Max.");
        if (!Enum.IsDefined(Precision))
            throw new ArgumentOutOfRangeException(nameof(Precision), Precision, $"{nameof(Precision)} is {Precision}; it must be {RemBertPrecisions.AcceptedNames}.");
        if (MaxSequenceLength < 3)
            throw new ArgumentOutOfRangeException(nameof(MaxSequenceLength), MaxSequenceLength, $"{nameof(MaxSequenceLength)} is {MaxSequenceLength}; it must be at least 3 ([CLS], a token, [SEP]).");
        if (InferenceBatchSize < 1)
            throw new ArgumentOutOfRangeException(nameof(InferenceBatchSize), InferenceBatchSize, $"{nameof(InferenceBatchSize)} is {InferenceBatchSize}; it must be at least 1.");
    }
}
