namespace Microsoft.ML.RemBert.Checkpoints;

/// <summary>What <see cref="CheckpointLoader"/> did with each key.</summary>
/// <param name="Source">The weights file or index that was read.</param>
/// <param name="LoadedKeys">Model keys that received checkpoint data.</param>
/// <param name="MissingKeys">Model keys absent from the checkpoint; they keep the model's own initialisation.</param>
/// <param name="UnexpectedKeys">Checkpoint keys the model has no place for.</param>
/// <param name="IgnoredKeys">Checkpoint keys skipped on purpose (legacy buffers such as <c>embeddings.position_ids</c>).</param>
/// <param name="Warning">The single warning about missing keys, or null when nothing is missing.</param>
public sealed record CheckpointLoadReport(
    string Source,
    IReadOnlyList<string> LoadedKeys,
    IReadOnlyList<string> MissingKeys,
    IReadOnlyList<string> UnexpectedKeys,
    IReadOnlyList<string> IgnoredKeys,
    string? Warning);
