using Microsoft.ML.RemBert.Modeling;

namespace Microsoft.ML.RemBert.Checkpoints;

/// <summary>A model loaded by <see cref="RemBertCheckpoint"/> and what the loader did with each checkpoint key.</summary>
/// <param name="Model">The model, in eval mode, on the requested device.</param>
/// <param name="Report">Loaded, missing, unexpected and ignored keys, and the warning about missing ones.</param>
public sealed record RemBertLoadResult<TModel>(TModel Model, CheckpointLoadReport Report) where TModel : RemBertPreTrainedModel;
