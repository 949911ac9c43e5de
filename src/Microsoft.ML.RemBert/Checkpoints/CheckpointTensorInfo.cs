using TorchSharp;

namespace Microsoft.ML.RemBert.Checkpoints;

/// <summary>What a checkpoint says about one tensor, known before any of its data is read.</summary>
/// <param name="Key">The state-dict key, e.g. <c>embeddings.word_embeddings.weight</c>.</param>
/// <param name="DType">The element type stored in the file.</param>
/// <param name="Shape">The tensor's shape.</param>
/// <param name="FilePath">The file (shard) that holds the tensor's data.</param>
internal sealed record CheckpointTensorInfo(string Key, torch.ScalarType DType, IReadOnlyList<long> Shape, string FilePath)
{
    /// <summary>The number of elements.</summary>
    public long ElementCount => TensorShapes.ElementCount(Shape);

    /// <summary>The number of bytes the data takes in the file.</summary>
    public long ByteLength => ElementCount * TensorDataTypes.ElementSize(DType);
}
