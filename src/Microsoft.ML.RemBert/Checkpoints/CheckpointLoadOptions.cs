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

    /// <summary>Receives warnings (e.g. the one listing missing head weights); null discards them.</summary>
    public Action<string>? Log { get; init; }
}
