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

    /// <summary>
    /// True: packs the encoder's weights once into the layout the CPU's matrix-product kernels read, as ONNX Runtime
    /// does with its MatMul weights, instead of the kernels re-packing them in every forward pass: about a quarter less
    /// time per forward at small batches (1 × 32 tokens), little at large ones (docs/onnx-performance.md). It costs
    /// memory beside the weights themselves (which saves and exports still read): float32 packs (oneMKL's layout) take
    /// 1.7 to 2.9 times the encoder's weights, bfloat16 packs (oneDNN's) their size. CPU only: asking for it on a GPU is
    /// an <see cref="ArgumentException"/>. A later change of precision packs again; a move to a GPU drops the packs.
    /// False drops them. Not saved with the model: set it after each load.
    /// </summary>
    public bool? PrepackWeights { get; set; }
}
