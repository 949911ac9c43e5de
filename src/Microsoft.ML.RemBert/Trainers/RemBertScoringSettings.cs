using Microsoft.ML.RemBert.MLNet.Scoring;
using Microsoft.ML.RemBert.Modeling;

namespace Microsoft.ML.RemBert.Trainers;

/// <summary>
/// How a loaded model's RemBERT transformers score: the argument of <c>ConfigureRemBertScoring</c>. A property left
/// null keeps the transformer's current value (a model loaded from a zip scores on the CPU, in the precision it was
/// saved in, with the batch size it was trained with).
/// </summary>
public sealed class RemBertScoringSettings
{
    /// <summary>
    /// The device to score on: "cpu", "cuda", "cuda:N" or "auto" (CUDA when available). A device this process does not
    /// have is an <see cref="ArgumentException"/> naming it and the devices that are available.
    /// </summary>
    public string? Device { get; set; }

    /// <summary>
    /// The precision of the weights: <see cref="RemBertPrecision.BFloat16"/> halves the memory and is about twice as fast
    /// on CPUs with AVX512-BF16/AMX and on recent GPUs (LayerNorm, softmax and scores stay float32). A later save keeps it.
    /// </summary>
    public RemBertPrecision? Precision { get; set; }

    /// <summary>Rows per forward pass in <c>Transform</c> (PredictionEngine always scores one row); at least 1.</summary>
    public int? InferenceBatchSize { get; set; }
}
