using TorchSharp;

namespace Microsoft.ML.RemBert.Checkpoints;

/// <summary>One weights file whose index (keys, types, shapes) is known and whose tensors are read on demand, one at a time.</summary>
internal interface ICheckpointFile : IDisposable
{
    /// <summary>The file's path.</summary>
    string FilePath { get; }

    /// <summary>Every tensor in the file, in file order.</summary>
    IReadOnlyList<CheckpointTensorInfo> Tensors { get; }

    /// <summary>Reads the tensor described by <paramref name="tensor"/> into <paramref name="destination"/> (same shape).</summary>
    void ReadInto(CheckpointTensorInfo tensor, torch.Tensor destination);
}
