using Microsoft.ML.RemBert.IO;
using TorchSharp;

namespace Microsoft.ML.RemBert.Checkpoints;

/// <summary>
/// The checkpoint readers' use of <see cref="TensorBytes"/>: data that ends early is a
/// <see cref="CheckpointFormatException"/> naming the file and the tensor.
/// </summary>
internal static class CheckpointTensorData
{
    /// <summary>Fills <paramref name="destination"/> (any type and device) with <paramref name="source"/>'s data from <paramref name="data"/>.</summary>
    public static void Fill(torch.Tensor destination, CheckpointTensorInfo source, Stream data)
        => Truncation(source, () => TensorBytes.Fill(destination, source.DType, data, source.Key));

    /// <summary>Reads <paramref name="source"/>'s data into a contiguous CPU tensor of its own type.</summary>
    public static void ReadInto(Stream data, torch.Tensor contiguousCpu, CheckpointTensorInfo source)
        => Truncation(source, () => TensorBytes.ReadInto(data, contiguousCpu, source.Key));

    private static void Truncation(CheckpointTensorInfo source, Action read)
    {
        try
        {
            read();
        }
        catch (EndOfStreamException ex)
        {
            throw new CheckpointFormatException(source.FilePath, $"the data of '{source.Key}' ends early: the file is truncated.", ex);
        }
    }
}
