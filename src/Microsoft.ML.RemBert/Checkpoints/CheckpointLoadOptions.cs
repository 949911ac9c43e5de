using Microsoft.ML.RemBert.Modeling;
using Microsoft.ML.RemBert.Runtime;
using TorchSharp;

namespace Microsoft.ML.RemBert.Checkpoints;

/// <summary>How <see cref="CheckpointLoader"/> matches and reports keys.</summary>
public sealed record CheckpointLoadOptions
{
    /// <summary>The prefix transformers' head models put before the encoder's keys.</summary>
    public const string RemBertBasePrefix = "rembert.";

    /// <summary>The legacy int64 buffer old transformers versions saved; RemBERT computes positions instead.</summary>
    public const string LegacyPositionIdsKey = "embeddings.position_ids";

    /// <summary>The prefix added to or removed from keys so base and head checkpoints load into either model.</summary>
    public string BasePrefix { get; init; } = RemBertBasePrefix;

    /// <summary>Checkpoint keys (matched as a whole or as a dotted suffix) skipped without complaint when the model lacks them.</summary>
    public IReadOnlyCollection<string> IgnoredKeySuffixes { get; init; } = new[] { LegacyPositionIdsKey };

    /// <summary>When true, model keys missing from the checkpoint are an error instead of a warning.</summary>
    public bool RequireAllModelKeys { get; init; }

    /// <summary>
    /// When true, base-model weights (embeddings, encoder, pooler) missing from the checkpoint keep their fresh
    /// initialisation and are only named in the warning; by default they are a <see cref="MissingCheckpointWeightsException"/>,
    /// because the model would answer from random weights. Missing head weights are always only a warning: a head
    /// starting from a base checkpoint such as google/rembert is initialised as transformers does.
    /// </summary>
    public bool AllowMissingBaseWeights { get; init; }

    /// <summary>
    /// When true, a missing pooler (<c>pooler.dense</c>) keeps its fresh initialisation and is only named in the warning,
    /// as transformers does when a masked-LM checkpoint (which has no pooler) starts a classifier. For fine-tuning, which
    /// trains the pooler (the trainers set it); the embeddings and the encoder must still be in the checkpoint.
    /// </summary>
    public bool AllowMissingPooler { get; init; }

    /// <summary>
    /// The precision the model's weights are stored and run in. <see cref="RemBertPrecision.BFloat16"/> halves the
    /// memory and, on CPUs with AVX512-BF16/AMX and recent GPUs, about doubles the speed, computing LayerNorm, softmax
    /// and the final scores in float32; a device without native bfloat16 gets one warning through <see cref="Log"/>.
    /// </summary>
    public RemBertPrecision Precision { get; init; } = RemBertPrecision.Float32;

    /// <summary>Replaces <see cref="BFloat16Support.IsNative"/> (tests of the warning path).</summary>
    internal Func<torch.Device, bool>? NativeBFloat16Check { get; init; }

    /// <summary>Receives warnings (e.g. the one listing missing head weights); null discards them.</summary>
    public Action<string>? Log { get; init; }
}
