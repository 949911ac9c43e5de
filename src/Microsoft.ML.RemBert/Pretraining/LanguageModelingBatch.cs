using static TorchSharp.torch;

namespace Microsoft.ML.RemBert.Pretraining;

/// <summary>One collated batch: model inputs and labels (-100 where not scored), all on the CPU, in the caller's dispose scope.</summary>
internal sealed record LanguageModelingBatch(Tensor InputIds, Tensor AttentionMask, Tensor Labels)
{
    /// <summary>Tokens of the batch that are not padding.</summary>
    public long RealTokens => AttentionMask.sum().item<long>();
}
